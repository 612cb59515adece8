"""The nightly backup: a set holds a restorable dump and the uploads; old sets go by the rule
7 daily, 4 weekly, 12 monthly."""

import datetime as dt
import json
import subprocess
import tarfile

from django.db import connection

from ops.backup import SET_FORMAT, keep_sets, make_set, prune, seconds_until


def nightly(days, *, until=dt.datetime(2026, 12, 31, 1, 30)):
    return [(until - dt.timedelta(days=n)).strftime(SET_FORMAT) for n in range(days)]


def test_a_year_of_nightly_sets_keeps_seven_days_four_weeks_and_twelve_months():
    names = nightly(400)

    kept = sorted(keep_sets(names), reverse=True)

    newest_days = nightly(7)
    assert set(newest_days) <= set(kept)
    months = {name[:7] for name in kept}
    assert len(months) == 12
    weeks = {dt.datetime.strptime(n, SET_FORMAT).isocalendar()[:2] for n in kept}
    assert len(kept) <= 7 + 4 + 12 and len(weeks) >= 4
    assert nightly(400)[-1] not in kept  # the oldest day is beyond twelve months


def test_fewer_sets_than_the_rule_allows_are_all_kept():
    names = nightly(3)
    assert keep_sets(names) == set(names)


def test_a_set_holds_a_restorable_dump_and_the_uploads_and_pruning_drops_old_ones(db, tmp_path):
    media = tmp_path / "media" / "posters"
    media.mkdir(parents=True)
    (media / "poster.png").write_bytes(b"\x89PNG fake")
    settings_dict = connection.settings_dict
    url = f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
    backups = tmp_path / "backups"
    for old in nightly(10, until=dt.datetime(2020, 1, 31, 1, 30)):
        (backups / old).mkdir(parents=True)

    target = make_set(database_url=url, backup_dir=backups, media_root=tmp_path / "media")
    removed = prune(backups)

    listing = subprocess.run(["pg_restore", "--list", str(target / "portal.dump")], capture_output=True, text=True)
    assert listing.returncode == 0 and "TABLE public portal_notification" in listing.stdout
    with tarfile.open(target / "media.tar.gz") as tar:
        assert "media/posters/poster.png" in tar.getnames()
    manifest = json.loads((target / "MANIFEST.json").read_text())
    assert set(manifest["files"]) == {"portal.dump", "media.tar.gz"}
    assert len(removed) == 10 - 6  # the newest 6 old days fill the daily slots beside today's set
    assert (backups / target.name).is_dir()


def test_the_loop_waits_until_the_next_backup_time():
    now = dt.datetime(2026, 5, 1, 2, 0, tzinfo=dt.UTC)
    assert seconds_until("01:30", now) == 23.5 * 3600
    assert seconds_until("03:00", now) == 3600
