import pytest
from django.db import IntegrityError

from accounts.models import Role, User

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_email_is_stored_in_lower_case_and_is_the_login():
    user = User.objects.create_user("  Paule.Durand@Example.FR ", "un-mot-de-passe-solide-42")
    assert user.email == "paule.durand@example.fr"
    assert User.objects.get_by_natural_key("PAULE.DURAND@example.fr") == user


def test_two_accounts_cannot_share_an_address_whatever_its_case():
    UserFactory(email="paule@example.fr")
    with pytest.raises(IntegrityError):
        # A raw save skips the normalisation: the constraint still refuses it.
        User(email="Paule@Example.fr").save()


def test_new_users_are_professionals_by_default():
    assert User.objects.create_user("a@example.fr", "un-mot-de-passe-solide-42").role == Role.PRO


def test_superuser_is_an_administrator():
    user = User.objects.create_superuser("root@example.fr", "un-mot-de-passe-solide-42")
    assert user.role == Role.ADMIN
    assert user.is_staff


@pytest.mark.parametrize(
    ("role", "is_staff", "can_view", "can_change"),
    [
        (Role.PRO, False, False, False),
        (Role.AGENT, False, False, False),
        (Role.FOOD_SAFETY_AGENT, False, False, False),
        (Role.READONLY_ADMIN, True, True, False),
        (Role.ADMIN, True, True, True),
    ],
)
def test_admin_site_rights_follow_the_role(role, is_staff, can_view, can_change):
    user = UserFactory(role=role)
    assert user.is_staff is is_staff
    assert user.has_perm("accounts.view_user") is can_view
    assert user.has_perm("accounts.change_user") is can_change


def test_a_deactivated_administrator_loses_every_right():
    user = UserFactory(admin=True, is_active=False)
    assert not user.is_staff
    assert not user.has_perm("accounts.view_user")


def test_administration_staff_roles():
    assert UserFactory(agent=True).is_administration_staff
    assert UserFactory(food_safety_agent=True).is_administration_staff
    assert not UserFactory(pro=True).is_administration_staff
