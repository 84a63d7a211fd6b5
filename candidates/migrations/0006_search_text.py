"""A folded copy of the searched text on each searchable row (core/text_search.py)."""

from django.db import migrations

import core.text_search


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0005_milestone_pending_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="search_text",
            field=core.text_search.SearchTextField(sources=["name", "summary", "business_area"], indexed=True),
        ),
        migrations.AddField(
            model_name="ministry",
            name="search_text",
            field=core.text_search.SearchTextField(sources=["name", "bureau", "name_en"]),
        ),
        core.text_search.refresh_operation("candidates", "candidate", "ministry"),
    ]
