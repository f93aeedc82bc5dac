from django.db import migrations, models

import members.models


def give_each_member_a_token(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    for member in Member.objects.filter(calendar_token="").only("pk").iterator():
        Member.objects.filter(pk=member.pk).update(calendar_token=members.models.new_calendar_token())


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0008_announcements_consent"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="calendar_token",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="calendar feed secret"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(give_each_member_a_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="member",
            name="calendar_token",
            field=models.CharField(
                db_index=True,
                default=members.models.new_calendar_token,
                editable=False,
                max_length=64,
                verbose_name="calendar feed secret",
            ),
        ),
    ]
