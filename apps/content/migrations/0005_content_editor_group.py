from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Content editor"
# What the content team needs, and nothing about students, tokens, API keys or money.
PERMISSIONS = [
    ("content", "view_topic"),
    ("content", "add_topic"),
    ("content", "change_topic"),
    ("content", "import_topic"),
    ("content", "export_topic"),
    ("content", "view_problem"),
    ("content", "add_problem"),
    ("content", "change_problem"),
    ("content", "import_problem"),
    ("content", "export_problem"),
    ("content", "view_hint"),
    ("content", "review_hint"),
    ("content", "view_problemversion"),
    ("ai", "view_aijudgement"),
    ("ai", "change_aijudgement"),
    ("ai", "view_hintgeneration"),
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; this group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0004_studio"),
        ("ai", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
