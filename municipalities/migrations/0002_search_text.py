"""A folded copy of the searched text on each searchable row (core/text_search.py)."""

from django.db import migrations

import core.text_search


class Migration(migrations.Migration):
    dependencies = [
        ("municipalities", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="localgovernment",
            name="search_text",
            field=core.text_search.SearchTextField(sources=["name", "kana"]),
        ),
        core.text_search.refresh_operation("municipalities", "localgovernment"),
    ]
