from django.db import migrations


def record_logo_sizes(apps, schema_editor):
    """Measure logos uploaded before their size was recorded, so pages need not open the files."""
    from chapters.images import LogoFieldFile

    Chapter = apps.get_model("chapters", "Chapter")
    field = Chapter._meta.get_field("logo")
    for chapter in Chapter.objects.exclude(logo="").filter(logo_width__isnull=True):
        width, height = LogoFieldFile(chapter, field, chapter.logo.name)._read_dimensions()
        if width and height:
            Chapter.objects.filter(pk=chapter.pk).update(logo_width=width, logo_height=height)


class Migration(migrations.Migration):
    dependencies = [
        ("chapters", "0005_sponsor_logo_limits"),
    ]

    operations = [
        migrations.RunPython(record_logo_sizes, migrations.RunPython.noop),
    ]
