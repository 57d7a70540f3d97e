from django.contrib.auth.management import create_permissions
from django.db import migrations

TRACKED_APPS = ("actors", "positions")
ANALYST_EDITS = {"article", "position"}


def _ensure_permissions(apps):
    # Permissions are normally made after all migrations ran; the groups
    # below need them now, on a fresh database too.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_groups(apps, schema_editor):
    _ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    tracked = Permission.objects.filter(content_type__app_label__in=TRACKED_APPS)

    analysts, _ = Group.objects.get_or_create(name="analysts")
    analyst_codenames = {
        f"{action}_{model}" for action in ("add", "change") for model in ANALYST_EDITS
    }
    analysts.permissions.set(
        [
            permission
            for permission in tracked
            if permission.codename.startswith("view_")
            or permission.codename in analyst_codenames
        ]
    )

    curators, _ = Group.objects.get_or_create(name="curators")
    curators.permissions.set(
        [
            permission
            for permission in tracked
            # History rows are a record: curators read them, nobody edits them.
            if permission.codename.startswith("view_")
            or not permission.content_type.model.startswith("historical")
        ]
    )


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=["analysts", "curators"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("actors", "0001_initial"),
        ("positions", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
