"""``manage.py generate_associations --count 100000``: a national-scale registry for benchmarks.

Writes with PostgreSQL's COPY (bulk_create elsewhere): associations with PRH classes in the
national proportions of seed 001, names from Finnish place names and kinds of association,
descriptions, fields of activity, service areas, age groups, languages and some partnership
agreements. It refuses to touch a database whose name does not contain "bench" unless
``--force``: it empties the registry's tables first.
"""

import datetime as dt
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from associations.demo import CLASS_PARTS, DEMO_COUNTS, FIELDS, LANGUAGES
from associations.models import Association, FieldOfActivity, Language, PartnershipAgreement
from portal.models import AgeGroup, ContactPerson, Department, ServiceArea

# Municipalities (genitive) for a national registry's names.
MUNICIPALITIES = [
    "Porin",
    "Helsingin",
    "Espoon",
    "Tampereen",
    "Vantaan",
    "Oulun",
    "Turun",
    "Jyväskylän",
    "Kuopion",
    "Lahden",
    "Kouvolan",
    "Joensuun",
    "Lappeenrannan",
    "Vaasan",
    "Hämeenlinnan",
    "Seinäjoen",
    "Rovaniemen",
    "Mikkelin",
    "Kotkan",
    "Salon",
    "Porvoon",
    "Kokkolan",
    "Hyvinkään",
    "Lohjan",
    "Järvenpään",
    "Rauman",
    "Kajaanin",
    "Kangasalan",
    "Tuusulan",
    "Kirkkonummen",
    "Nurmijärven",
    "Kemin",
    "Ulvilan",
    "Harjavallan",
    "Kankaanpään",
    "Huittisten",
    "Eurajoen",
    "Nakkilan",
    "Noormarkun",
    "Euran",
    "Säkylän",
    "Kokemäen",
    "Raision",
    "Kaarinan",
    "Naantalin",
    "Uudenkaupungin",
    "Iisalmen",
    "Varkauden",
    "Savonlinnan",
    "Imatran",
    "Riihimäen",
    "Forssan",
    "Heinolan",
    "Valkeakosken",
    "Nokian",
    "Ylöjärven",
    "Lempäälän",
    "Pirkkalan",
    "Kempeleen",
    "Raahen",
    "Tornion",
    "Kuusamon",
    "Sodankylän",
]
PREFIXES = ["", "", "", "Nuorten ", "Seniorien ", "Naisten ", "Perheiden ", "Yhteinen "]
WORDS = [
    "harrastus",
    "yhteisö",
    "talkoot",
    "retket",
    "kerho",
    "kilpailut",
    "kurssit",
    "vertaistuki",
    "leiri",
    "konsertti",
    "näyttely",
    "turnaus",
    "koulutus",
    "vapaaehtoiset",
    "kylätalo",
    "lapset",
    "nuoret",
    "ikäihmiset",
    "perheet",
    "luonto",
    "kulttuuri",
    "liikunta",
]
COLUMNS = (
    "name",
    "slug",
    "kind",
    "register_number",
    "business_id",
    "prh_class",
    "description",
    "email",
    "phone",
    "website",
    "logo",
    "founded_year",
    "is_public",
    "moderation_state",
    "moderation_reason",
    "last_confirmed_on",
    "linked_events_publisher",
    "created_at",
    "updated_at",
)


class Command(BaseCommand):
    help = "Generate a large registry of associations (for benchmarks) in a database named *bench*."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--force", action="store_true", help="Allow a database whose name lacks 'bench'.")
        parser.add_argument(
            "--no-vacuum", action="store_true", help="Leave VACUUM ANALYZE to the caller (the bench data set)."
        )

    def handle(self, *args, count, seed, force, no_vacuum=False, **options):
        name = str(connection.settings_dict["NAME"])
        if "bench" not in name and not force:
            raise CommandError(f"Refusing to empty the registry in {name!r}: use a *bench* database or --force.")
        started = time.perf_counter()
        rng = random.Random(seed)
        with transaction.atomic():
            reference = self._reference_data()
            self._empty()
            self._associations(rng, count)
            self._relations(rng, reference)
        # Fresh statistics for the planner and a visibility map for index-only counts.
        with connection.cursor() as cursor:
            for table in (
                ()
                if no_vacuum
                else (
                    "associations_association",
                    "associations_association_service_areas",
                    "associations_association_age_groups",
                    "associations_association_languages",
                    "associations_association_fields_of_activity",
                )
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")
        self.stdout.write(f"Generated {count} associations in {time.perf_counter() - started:.1f} s.")

    def _reference_data(self):
        areas = [
            ServiceArea.objects.get_or_create(name=n, defaults={"order": i})[0]
            for i, n in enumerate(
                [
                    "Koko Pori",
                    "Keskusta",
                    "Länsi-Pori",
                    "Pohjois-Pori",
                    "Itä-Pori",
                    "Etelä-Pori",
                    "Noormarkku",
                    "Ahlainen",
                    "Lavia",
                ]
            )
        ]
        ages = [
            AgeGroup.objects.get_or_create(name=n)[0]
            for n in ["Lapset (0–12 v.)", "Nuoret (13–28 v.)", "Työikäiset (29–64 v.)", "Ikääntyneet (65+ v.)"]
        ]
        languages = [
            Language.objects.get_or_create(code=c, defaults={"name": n, "order": o})[0] for c, n, o in LANGUAGES
        ]
        fields = []
        for order, (main_name, children) in enumerate(FIELDS):
            main, _ = FieldOfActivity.objects.get_or_create(
                slug=slugify(main_name), defaults={"name": main_name, "order": order}
            )
            for child_order, child in enumerate(children):
                fields.append(
                    FieldOfActivity.objects.get_or_create(
                        slug=slugify(child), defaults={"name": child, "parent": main, "order": child_order}
                    )[0]
                )
        department, _ = Department.objects.get_or_create(name="Sivistystoimiala")
        person = ContactPerson.objects.filter(department=department).first() or ContactPerson.objects.create(
            name="Bench Contact", title="Asiantuntija", department=department, email="bench@city.example"
        )
        return {
            "areas": areas,
            "ages": ages,
            "languages": languages,
            "fields": fields,
            "department": department,
            "person": person,
        }

    def _empty(self):
        PartnershipAgreement.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE associations_association, associations_membership, associations_event, "
                "associations_historicalassociation RESTART IDENTITY CASCADE"
            )

    def _rows(self, rng, count):
        classes = list(DEMO_COUNTS)
        weights = [DEMO_COUNTS[c] for c in classes]
        now = timezone.now()
        today = timezone.localdate()
        for n in range(count):
            prh_class = rng.choices(classes, weights)[0]
            stems, _fields, _ages, sentence = CLASS_PARTS[prh_class]
            place = rng.choice(MUNICIPALITIES)
            name = f"{place} {rng.choice(PREFIXES)}{rng.choice(stems)} ry"
            description = f"{sentence.format(place_loc=f'{place} alueella')} " + " ".join(rng.sample(WORDS, 5))
            number = 100_000 + n
            yield (
                name,
                f"{slugify(name)[:200]}-{n}",
                "registered",
                f"{number // 1000}.{number % 1000:03d}",
                "",
                prh_class.value,
                description.capitalize(),
                f"info{n}@bench.invalid",
                "",
                "",
                "",
                rng.randint(1880, 2025),
                rng.random() > 0.02,
                "approved" if rng.random() > 0.01 else "pending",
                "",
                today - dt.timedelta(days=rng.randint(0, 900)),
                "",
                now,
                now,
            )

    def _associations(self, rng, count):
        rows = self._rows(rng, count)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY associations_association ({', '.join(COLUMNS)}) FROM STDIN"  # noqa: S608 - constant columns
            ) as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def _relations(self, rng, ref):
        ids = list(Association.objects.order_by("pk").values_list("pk", "prh_class"))
        field_names = {f.name: f.pk for f in ref["fields"]}
        class_fields = {c: [field_names[f] for f in CLASS_PARTS[c][1] if f in field_names] for c in DEMO_COUNTS}
        through = {
            "fields": (Association.fields_of_activity.through, "fieldofactivity_id"),
            "areas": (Association.service_areas.through, "servicearea_id"),
            "ages": (Association.age_groups.through, "agegroup_id"),
            "languages": (Association.languages.through, "language_id"),
        }
        pairs = {key: [] for key in through}
        for pk, prh_class in ids:
            options = class_fields.get(prh_class) or [f.pk for f in ref["fields"]]
            for field_id in rng.sample(options, k=min(len(options), rng.randint(1, 2))):
                pairs["fields"].append((pk, field_id))
            for area in rng.sample(ref["areas"], k=rng.randint(1, 2)):
                pairs["areas"].append((pk, area.pk))
            for age in rng.sample(ref["ages"], k=rng.randint(1, 2)):
                pairs["ages"].append((pk, age.pk))
            pairs["languages"].append((pk, ref["languages"][0].pk))
            if rng.random() < 0.08:
                pairs["languages"].append((pk, ref["languages"][1].pk))
        for key, (model, column) in through.items():
            self._copy_pairs(model, column, pairs[key])
        agreements = [
            PartnershipAgreement(
                association_id=pk,
                department=ref["department"],
                responsible_person=ref["person"],
                title=f"Kumppanuussopimus {pk}",
                goals="Yhteistyö",
                valid_from=dt.date(2025, 1, 1),
                valid_until=dt.date(2028, 12, 31),
            )
            for pk, _c in rng.sample(ids, k=min(len(ids), max(1, len(ids) // 500)))
        ]
        PartnershipAgreement.objects.bulk_create(agreements)

    def _copy_pairs(self, model, column, pairs):
        table = model._meta.db_table
        sql = f"COPY {table} (association_id, {column}) FROM STDIN"  # noqa: S608 - model metadata, not input
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            copy.write("".join(f"{a}\t{b}\n" for a, b in pairs))
