import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from grants.models import Application, Decision


@pytest.mark.django_db(transaction=True)
def test_the_bench_refuses_a_database_that_is_not_for_benchmarks(monkeypatch):
    # Whatever the test database is called (a helper's may be test_yp_bench).
    monkeypatch.setitem(connection.settings_dict, "NAME", "yhdistysportaali")
    with pytest.raises(CommandError, match="bench"):
        call_command("bench_grants", "--count", "10")


@pytest.mark.django_db(transaction=True)
def test_the_bench_generates_applications_and_reports_constant_query_counts():
    out = StringIO()
    call_command("bench_grants", "--count", "400", "--requests", "1", "--force", stdout=out)
    small = json.loads(out.getvalue())
    assert Application.objects.count() == 400 and Decision.objects.filter(amount__gt=0).exists()
    out = StringIO()
    call_command("bench_grants", "--count", "1200", "--requests", "1", "--force", stdout=out)
    large = json.loads(out.getvalue())
    for page in ("call_page", "decisions_first_page", "decisions_last_page", "open_data_json_one_year"):
        assert large[page]["queries"] == small[page]["queries"], page
    assert large["ledger_all_rounds"]["queries"] == 1
