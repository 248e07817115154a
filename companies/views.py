"""The JSON search used by the report wizard's search-as-you-type."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from companies.models import Company
from companies.selectors import search_companies_leniently
from signalconso.ratelimit import client_ip, is_rate_limited


def company_as_json(company: Company) -> dict:
    return {
        "siret": company.siret,
        "siren": company.siren,
        "name": company.name,
        "legal_name": company.legal_name,
        "brand": company.brand,
        "address": company.address_lines,
        "postal_code": company.postal_code,
        "city": company.city,
        "department": company.department,
        "activity_code": company.activity_code,
        "is_head_office": company.is_head_office,
        "is_open": company.is_open,
        "is_public_administration": company.is_public_administration,
    }


@require_safe
def search(request: HttpRequest) -> JsonResponse:
    if is_rate_limited(
        scope="company-search",
        key=client_ip(request),
        limit=settings.COMPANY_SEARCH_RATE_LIMIT,
        period=settings.COMPANY_SEARCH_RATE_PERIOD,
    ):
        response = JsonResponse({"error": _("Trop de recherches en peu de temps. Patientez une minute.")}, status=429)
        response["Retry-After"] = str(settings.COMPANY_SEARCH_RATE_PERIOD)
        return response
    try:
        companies, left_out = search_companies_leniently(
            query=request.GET.get("q", ""),
            postal_code=request.GET.get("code_postal", ""),
            department=request.GET.get("departement", ""),
        )
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    payload = {"results": [company_as_json(c) for c in companies]}
    if left_out:
        payload["left_out"] = left_out
        payload["hint"] = left_out_hint(left_out)
    return JsonResponse(payload)


def left_out_hint(word: str) -> str:
    return _(
        "Aucun nom ne contient « %(word)s » : voici les établissements sans ce mot. Si c’est la ville, "
        "indiquez plutôt son code postal dans le champ « Code postal »."
    ) % {"word": word}
