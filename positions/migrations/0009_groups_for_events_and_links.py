from django.contrib.auth.management import create_permissions
from django.db import migrations

NEW_MODELS = (
    "event",
    "historicalevent",
    "historicalevent_articles",
    "proposallink",
    "historicalproposallink",
)
# Analysts record the events their positions were stated at.
ANALYST_EDITS = {"add_event", "change_event"}


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations ran; the groups
    # need them now, on a fresh database too.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    new = Permission.objects.filter(
        content_type__app_label="positions", content_type__model__in=NEW_MODELS
    )
    analysts = Group.objects.filter(name="analysts").first()
    if analysts is not None:
        analysts.permissions.add(
            *[
                permission
                for permission in new
                if permission.codename.startswith("view_")
                or permission.codename in ANALYST_EDITS
            ]
        )
    curators = Group.objects.filter(name="curators").first()
    if curators is not None:
        curators.permissions.add(
            *[
                permission
                for permission in new
                # History rows are a record: curators read them, nobody edits them.
                if permission.codename.startswith("view_")
                or not permission.content_type.model.startswith("historical")
            ]
        )


class Migration(migrations.Migration):
    dependencies = [("positions", "0008_article_url_key_unique")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
