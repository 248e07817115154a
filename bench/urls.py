"""The project's URLs and the reference page of `make bench`: a bare Django
view doing one primary-key query. Served only with bench.settings."""

from django.http import HttpResponse
from django.urls import path

from reports.models import Report
from signalconso.urls import urlpatterns as site_urlpatterns


def one_row(request):
    """The cheapest page the stack can serve that still reads the database."""
    pk = int(request.GET.get("pk", "1"))
    found = Report.objects.filter(pk=pk).values_list("reference", flat=True).first()
    return HttpResponse(found or "-", content_type="text/plain")


urlpatterns = [path("bench/one-row/", one_row), *site_urlpatterns]
