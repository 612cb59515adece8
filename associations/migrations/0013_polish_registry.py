"""Poland's register identity beside Finland's (associations.countries, associations.poland).

The KRS number, NIP, REGON and legal form with their formats, check digits and uniqueness held
by the database; the spheres of public benefit of art. 4 ust. 1 of the public benefit act, loaded
here with the law's Polish names and working translations; and a second stored search vector,
``simple`` over the text without diacritics, for a city whose language PostgreSQL cannot stem.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.conf import settings
from django.db import migrations, models

import associations.models

# The check digits in SQL, so a row written around the forms (an import, the shell) is refused too.
# CASE (not AND) keeps the casts away from a value that is not all digits.
CREATE_FUNCTIONS = """
CREATE FUNCTION pl_weighted_mod11(digits text, weights int[]) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN (SELECT sum(substr(digits, i::int, 1)::int * w) FROM unnest(weights) WITH ORDINALITY AS t(w, i)) % 11;

CREATE FUNCTION pl_nip_valid(value text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN CASE WHEN value ~ '^[0-9]{10}$'
        THEN pl_weighted_mod11(value, ARRAY[6, 5, 7, 2, 3, 4, 5, 6, 7]) = substr(value, 10, 1)::int
        ELSE false END;

CREATE FUNCTION pl_regon_valid(value text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN CASE
        WHEN value ~ '^[0-9]{9}$'
        THEN pl_weighted_mod11(value, ARRAY[8, 9, 2, 3, 4, 5, 6, 7]) % 10 = substr(value, 9, 1)::int
        WHEN value ~ '^[0-9]{14}$'
        THEN pl_weighted_mod11(value, ARRAY[2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8]) % 10 = substr(value, 14, 1)::int
        ELSE false END;
"""
DROP_FUNCTIONS = """
DROP FUNCTION pl_regon_valid(text);
DROP FUNCTION pl_nip_valid(text);
DROP FUNCTION pl_weighted_mod11(text, int[]);
"""


def load_spheres(apps, schema_editor):
    from associations.poland import public_benefit_spheres_ensure

    public_benefit_spheres_ensure(apps.get_model("associations", "PublicBenefitSphere"))


class Migration(migrations.Migration):
    dependencies = [
        ("associations", "0012_cooperation"),
        ("portal", "0005_names_per_language"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(sql=CREATE_FUNCTIONS, reverse_sql=DROP_FUNCTIONS),
        migrations.CreateModel(
            name="PublicBenefitSphere",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "point",
                    models.CharField(
                        help_text="E.g. 1a or 17.", max_length=5, unique=True, verbose_name="point of art. 4 ust. 1"
                    ),
                ),
                ("name", models.CharField(max_length=300, verbose_name="name")),
                ("name_fi", models.CharField(max_length=300, null=True, verbose_name="name")),
                ("name_sv", models.CharField(max_length=300, null=True, verbose_name="name")),
                ("name_en", models.CharField(max_length=300, null=True, verbose_name="name")),
                ("name_pl", models.CharField(max_length=300, null=True, verbose_name="name")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
            ],
            options={
                "verbose_name": "sphere of public benefit",
                "verbose_name_plural": "spheres of public benefit",
                "ordering": ["order", "point"],
            },
        ),
        migrations.RunPython(load_spheres, migrations.RunPython.noop),
        migrations.AddField(
            model_name="association",
            name="krs_number",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                help_text="The number in the National Court Register: ten digits.",
                max_length=10,
                verbose_name="KRS number",
            ),
        ),
        migrations.AddField(
            model_name="association",
            name="legal_form",
            field=models.CharField(
                blank=True,
                choices=[
                    ("stowarzyszenie", "Association (stowarzyszenie)"),
                    ("stowarzyszenie_zwykle", "Ordinary association (stowarzyszenie zwykłe)"),
                    ("fundacja", "Foundation (fundacja)"),
                    ("koscielna_osoba_prawna", "Church legal person (kościelna osoba prawna)"),
                    ("stowarzyszenie_jst", "Association of local government units"),
                    ("spoldzielnia_socjalna", "Social cooperative (spółdzielnia socjalna)"),
                    ("spolka_non_profit", "Non-profit company or sports club company"),
                    ("kolo_gospodyn_wiejskich", "Rural women's club (koło gospodyń wiejskich)"),
                    ("inna", "Other body under art. 3 ust. 3 of the public benefit act"),
                ],
                db_default="",
                default="",
                max_length=30,
                verbose_name="legal form",
            ),
        ),
        migrations.AddField(
            model_name="association",
            name="nip",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                help_text="The tax identification number.",
                max_length=10,
                verbose_name="NIP",
            ),
        ),
        migrations.AddField(
            model_name="association",
            name="regon",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                help_text="The statistical number: 9 or 14 digits.",
                max_length=14,
                verbose_name="REGON",
            ),
        ),
        migrations.AddField(
            model_name="historicalassociation",
            name="krs_number",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                help_text="The number in the National Court Register: ten digits.",
                max_length=10,
                verbose_name="KRS number",
            ),
        ),
        migrations.AddField(
            model_name="historicalassociation",
            name="legal_form",
            field=models.CharField(
                blank=True,
                choices=[
                    ("stowarzyszenie", "Association (stowarzyszenie)"),
                    ("stowarzyszenie_zwykle", "Ordinary association (stowarzyszenie zwykłe)"),
                    ("fundacja", "Foundation (fundacja)"),
                    ("koscielna_osoba_prawna", "Church legal person (kościelna osoba prawna)"),
                    ("stowarzyszenie_jst", "Association of local government units"),
                    ("spoldzielnia_socjalna", "Social cooperative (spółdzielnia socjalna)"),
                    ("spolka_non_profit", "Non-profit company or sports club company"),
                    ("kolo_gospodyn_wiejskich", "Rural women's club (koło gospodyń wiejskich)"),
                    ("inna", "Other body under art. 3 ust. 3 of the public benefit act"),
                ],
                db_default="",
                default="",
                max_length=30,
                verbose_name="legal form",
            ),
        ),
        migrations.AddField(
            model_name="historicalassociation",
            name="nip",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                help_text="The tax identification number.",
                max_length=10,
                verbose_name="NIP",
            ),
        ),
        migrations.AddField(
            model_name="historicalassociation",
            name="regon",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                help_text="The statistical number: 9 or 14 digits.",
                max_length=14,
                verbose_name="REGON",
            ),
        ),
        migrations.AddField(
            model_name="association",
            name="public_benefit_spheres",
            field=models.ManyToManyField(
                blank=True,
                related_name="associations",
                to="associations.publicbenefitsphere",
                verbose_name="spheres of public benefit",
            ),
        ),
        migrations.AddField(
            model_name="association",
            name="search_vector_plain",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector(
                        associations.models.Unaccented("name"), config="simple", weight="A"
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        associations.models.Unaccented("description"), config="simple", weight="B"
                    ),
                    django.contrib.postgres.search.SearchConfig("simple"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
                verbose_name="search vector without diacritics",
            ),
        ),
        migrations.AddIndex(
            model_name="association",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector_plain"], name="association_search_plain_gin"
            ),
        ),
        migrations.AddConstraint(
            model_name="association",
            constraint=models.UniqueConstraint(
                condition=models.Q(("krs_number", ""), _negated=True),
                fields=("krs_number",),
                name="association_krs_number_unique",
                violation_error_message="Another organisation in the registry already has this KRS number.",
            ),
        ),
        migrations.AddConstraint(
            model_name="association",
            constraint=models.UniqueConstraint(
                condition=models.Q(("nip", ""), _negated=True),
                fields=("nip",),
                name="association_nip_unique",
                violation_error_message="Another organisation in the registry already has this NIP.",
            ),
        ),
        migrations.AddConstraint(
            model_name="association",
            constraint=models.UniqueConstraint(
                condition=models.Q(("regon", ""), _negated=True),
                fields=("regon",),
                name="association_regon_unique",
                violation_error_message="Another organisation in the registry already has this REGON.",
            ),
        ),
        migrations.AddConstraint(
            model_name="association",
            constraint=models.CheckConstraint(
                condition=models.Q(("krs_number", ""), ("krs_number__regex", "^[0-9]{10}$"), _connector="OR"),
                name="association_krs_number_format",
            ),
        ),
        migrations.AddConstraint(
            model_name="association",
            constraint=models.CheckConstraint(
                condition=models.Q(("nip", ""), ("nip__regex", "^[0-9]{10}$"), _connector="OR"),
                name="association_nip_format",
            ),
        ),
        migrations.AddConstraint(
            model_name="association",
            constraint=models.CheckConstraint(
                condition=models.Q(("regon", ""), ("regon__regex", "^([0-9]{9}|[0-9]{14})$"), _connector="OR"),
                name="association_regon_format",
            ),
        ),
        migrations.AddConstraint(
            model_name="association",
            constraint=models.CheckConstraint(
                condition=models.Q(("nip", ""), associations.models.PlNipValid("nip"), _connector="OR"),
                name="association_nip_check_digit",
            ),
        ),
        migrations.AddConstraint(
            model_name="association",
            constraint=models.CheckConstraint(
                condition=models.Q(("regon", ""), associations.models.PlRegonValid("regon"), _connector="OR"),
                name="association_regon_check_digit",
            ),
        ),
        migrations.AddConstraint(
            model_name="association",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("legal_form", ""),
                    (
                        "legal_form__in",
                        [
                            "stowarzyszenie",
                            "stowarzyszenie_zwykle",
                            "fundacja",
                            "koscielna_osoba_prawna",
                            "stowarzyszenie_jst",
                            "spoldzielnia_socjalna",
                            "spolka_non_profit",
                            "kolo_gospodyn_wiejskich",
                            "inna",
                        ],
                    ),
                    _connector="OR",
                ),
                name="association_legal_form_valid",
            ),
        ),
    ]
