from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations ran; the groups
    # need them now, on a fresh database too.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    release = Permission.objects.filter(
        content_type__app_label="positions", content_type__model="release"
    )
    curators = Group.objects.filter(name="curators").first()
    if curators is not None:
        # A release is never changed or deleted: curators name and read them.
        curators.permissions.add(
            *release.filter(codename__in=["add_release", "view_release"])
        )
    # Everyone who reads the records may read the data versions' log too.
    views = Permission.objects.filter(
        content_type__app_label="positions",
        content_type__model__in=["release", "dataversion", "dataversioncounter"],
        codename__startswith="view_",
    )
    analysts = Group.objects.filter(name="analysts").first()
    if analysts is not None:
        analysts.permissions.add(*views)
    if curators is not None:
        curators.permissions.add(*views)


class Migration(migrations.Migration):
    dependencies = [("positions", "0011_releases")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
