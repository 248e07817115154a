from datetime import timedelta

import factory
from django.utils import timezone

from companies.models import AccessLevel, CompanyAccess
from reports.models import Category, Report, ReportStatus
from reports.search import report_index

from ..accounts.factories import UserFactory
from ..companies.factories import CompanyFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    slug = "prix-en-caisse"
    title_fr = "Le prix payé n’est pas le prix affiché"
    title_en = "The price paid is not the price displayed"


class ReportFactory(factory.django.DjangoModelFactory):
    """A report sent to a company, unread, with 25 days to go."""

    class Meta:
        model = Report
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"SC-26-T{n:05d}")
    status = ReportStatus.SENT
    category = factory.SubFactory(CategoryFactory)
    category_path = ["Le prix payé n’est pas le prix affiché"]
    company = factory.SubFactory(CompanyFactory)
    company_name = factory.LazyAttribute(lambda o: o.company.name if o.company else "")
    company_siret = factory.LazyAttribute(lambda o: o.company.siret if o.company else "")
    department = factory.LazyAttribute(lambda o: o.company.department if o.company else "")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=25))
    occurred_on = factory.LazyFunction(timezone.localdate)
    description = "Le prix affiché était 3 €, j’ai payé 5 €."
    first_name = "Paule"
    last_name = "Durand"
    email = "paule@example.fr"

    @factory.post_generation
    def index(report, create, extracted, **kwargs):
        # As report_submit does: the agents' full-text search reads this.
        if create:
            report_index([report.pk])

    class Params:
        read = factory.Trait(status=ReportStatus.READ, read_at=factory.LazyFunction(timezone.now))
        not_for_company = factory.Trait(status=ReportStatus.NOT_SENT, company=None, expires_at=None)
        in_english = factory.Trait(language="en")


def company_user(company, *, level=AccessLevel.ADMIN, new_report_emails=True, **fields):
    """A professional with access to the company."""
    user = UserFactory(pro=True, **fields)
    CompanyAccess.objects.create(company=company, user=user, level=level, new_report_emails=new_report_emails)
    return user
