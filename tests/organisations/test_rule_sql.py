"""The access policy's SQL form (``permissions.rule_sql``) reaches exactly the rows of its ORM
form, for every registered policy that has one, every demo user and every row."""

from io import StringIO

from django.core.management import call_command
from django.db import connection

from housing.models import Site
from organisations import permissions
from organisations.models import Organisation, User
from people.models import Household, Person


def columns_of(model) -> dict[str, str]:
    """Each foreign key to an organisation as a rule's path → its column; the row itself for an
    organisation (a rule with no path)."""
    table = model._meta.db_table
    columns = {
        field.name: f"{table}.{field.column}"
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is Organisation
    }
    if model is Organisation:
        columns[""] = f"{table}.id"
    return columns


def sql_rows(user, model, action) -> set[int] | None:
    condition = permissions.rule_sql(user, model, action, columns_of(model))
    if condition is None:
        return None
    sql, params = condition
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {model._meta.db_table} WHERE {sql}", params)  # noqa: S608 - names from the code
        return {row[0] for row in cursor.fetchall()}


def test_the_sql_form_reaches_the_same_rows_for_every_policy_that_has_one(db):
    call_command("seed_demo", stdout=StringIO())
    users = list(User.objects.filter(is_active=True))
    compared, with_rows = set(), 0
    for model, policy in permissions._POLICIES.items():
        for action in policy:
            for user in users:
                through_sql = sql_rows(user, model, action)
                if through_sql is None:
                    continue
                queryset = permissions.restrict_queryset(model._default_manager.all(), user, action)
                assert through_sql == set(queryset.values_list("pk", flat=True)), (model.__name__, action, user.email)
                compared.add((model, action))
                with_rows += bool(through_sql)
    # The hold's three rights are among them, and the comparison met rows, not only empty sets.
    assert {(Site, "hold"), (Person, "change"), (Household, "change")} <= compared
    assert with_rows >= 20


def test_a_rule_on_other_objects_has_no_sql_form_and_an_inactive_user_reaches_nothing(db):
    call_command("seed_demo", stdout=StringIO())
    from referrals.models import Referral

    user = User.objects.filter(is_active=True).first()
    assert permissions.rule_sql(user, Referral, "view", {"": "referrals_referral.id"}) is None
    user.is_active = False
    assert sql_rows(user, Site, "hold") == set()
