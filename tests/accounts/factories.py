import factory

from accounts.models import Role, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"utilisateur{n}@example.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    role = Role.PRO
    password = factory.django.Password("un-mot-de-passe-solide-42")

    class Params:
        pro = factory.Trait(role=Role.PRO)
        agent = factory.Trait(role=Role.AGENT, email=factory.Sequence(lambda n: f"agent{n}@dgccrf.finances.gouv.fr"))
        food_safety_agent = factory.Trait(
            role=Role.FOOD_SAFETY_AGENT,
            email=factory.Sequence(lambda n: f"ssa{n}@agriculture.gouv.fr"),
        )
        admin = factory.Trait(role=Role.ADMIN, email=factory.Sequence(lambda n: f"admin{n}@dgccrf.finances.gouv.fr"))
        readonly_admin = factory.Trait(
            role=Role.READONLY_ADMIN,
            email=factory.Sequence(lambda n: f"lecture{n}@dgccrf.finances.gouv.fr"),
        )
