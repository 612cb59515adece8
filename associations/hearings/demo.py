"""Two Pori hearings for the demo: one open for sports clubs (invitations queued), one ex-ante
assessment that closed with its summary published. Idempotent: a hearing with the title is kept.
Called from ``associations/demo.py`` after the registry is loaded."""

import datetime as dt

from django.contrib.auth.models import Permission
from django.utils import timezone

from associations.hearings import services
from associations.hearings.models import Hearing
from associations.models import Association, FieldOfActivity
from portal.models import ContactPerson, Department

STAFF_PERMISSIONS = ("hearing", "hearinganswer", "hearingdocument", "hearingcomment", "hearinginvitation")

OPEN_TITLE = "Liikuntapaikkaverkon kehittämissuunnitelma 2027–2035"
CLOSED_TITLE = "Ennakkoarviointi: yhdistysten tilavuokrien porrastus 2027"


def load(*, stdout):
    _staff_permissions()
    sivistys = Department.objects.filter(name="Sivistystoimiala").first()
    hyvinvointi = Department.objects.filter(name="Hyvinvointi ja osallisuus").first() or sivistys
    if sivistys is None:
        stdout.write("  Skipped the hearings: load portal's demo data first.")
        return
    # Whole hours in the city's time, as staff would set them.
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    _open_hearing(sivistys, now)
    _closed_hearing(hyvinvointi, now)
    stdout.write(f"  {Hearing.objects.count()} hearings.")


def _staff_permissions():
    perms = list(
        Permission.objects.filter(content_type__app_label="associations", content_type__model__in=STAFF_PERMISSIONS)
    )
    for department in Department.objects.exclude(staff_group=None).select_related("staff_group"):
        department.staff_group.permissions.add(*perms)


def _open_hearing(department, now):
    if Hearing.objects.filter(title=OPEN_TITLE).exists():
        return
    hearing = Hearing.objects.create(
        title=OPEN_TITLE,
        kind=Hearing.Kind.DEVELOPMENT,
        department=department,
        contact_person=ContactPerson.objects.filter(department=department).first(),
        question=(
            "Porin kaupunki laatii liikuntapaikkaverkon kehittämissuunnitelman vuosille 2027–2035. "
            "Kertokaa seuranne näkemys:\n\n"
            "- mitä liikuntapaikkoja ja vuoroja seuranne tarvitsee nyt ja kymmenen vuoden päästä,\n"
            "- missä palvelualueilla tarve on suurin,\n"
            "- miten yhteiskäyttötiloja (koulujen salit iltaisin) voisi käyttää paremmin."
        ),
        audience="associations.representatives",
        opens_at=now - dt.timedelta(days=3),
        closes_at=(now + dt.timedelta(days=18)).replace(hour=16, minute=0),
        residents_may_comment=True,
    )
    sports = FieldOfActivity.objects.filter(name="Liikunta ja urheilu", parent=None).first()
    if sports:
        hearing.fields_of_activity.add(sports)
    services.hearing_open(hearing=hearing, user=None, now=now)


def _closed_hearing(department, now):
    if Hearing.objects.filter(title=CLOSED_TITLE).exists():
        return
    opened = now - dt.timedelta(days=60)
    hearing = Hearing.objects.create(
        title=CLOSED_TITLE,
        kind=Hearing.Kind.EX_ANTE,
        department=department,
        question=(
            "Kaupunki arvioi ennalta päätöstä porrastaa yhdistysten tilavuokrat käyttäjämäärän mukaan. "
            "Miten muutos vaikuttaisi yhdistyksenne toimintaan ja jäseniin?"
        ),
        audience="associations.representatives",
        opens_at=opened,
        closes_at=now + dt.timedelta(days=1),
        state=Hearing.State.OPEN,
        opened_at=opened,
    )
    answers = [
        (
            "Porin Karhut ry",
            "Junioriryhmämme harjoittelevat pienissä ryhmissä; porrastus nostaisi vuokraa noin 15 %.",
            "Pienten junioriryhmien vuorot jätetään porrastuksen ulkopuolelle.",
        ),
        (
            "Länsi-Porin Eläkeläiset ry",
            "Kerhomme kokoontuu viikoittain kymmenen hengen ryhmänä. Porrastus sopii meille.",
            "Otettu huomioon: pienryhmien vuokra pysyy ennallaan.",
        ),
    ]
    for name, text, _taken in answers:
        association = Association.objects.filter(name=name).first()
        if association:
            services.answer_save(
                hearing=hearing,
                association=association,
                user=None,
                data={"text": text, "may_publish": True},
                now=opened + dt.timedelta(days=5),
            )
    services.hearing_close(hearing=hearing, closes_at=now - dt.timedelta(days=30), now=now)
    for answer in hearing.answers.select_related("association"):
        taken = next(t for n, _text, t in answers if n == answer.association.name)
        services.answer_taken_into_account(answer=answer, user=None, text=taken)
    services.hearing_publish_summary(
        hearing=hearing,
        user=None,
        summary=(
            "Kuulimme kahta yhdistystä. Porrastus toteutetaan, mutta alle 15 hengen ryhmien vuorot "
            "pidetään nykyisessä hinnassa. Päätös tehdään hyvinvointilautakunnassa."
        ),
        now=now,
    )
