"""With DATABASE_REPLICA_URL set, the dashboard's reads go to the replica and nothing else
does. CI runs this file once more with the replica configured (a mirror of the test database);
in the ordinary run there is no replica and the test says so."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext

from apps.analytics.reports import dashboard
from apps.content.models import Problem
from apps.core.routers import REPLICA, reports

pytestmark = [
    pytest.mark.skipif(
        REPLICA not in settings.DATABASES,
        reason="no DATABASE_REPLICA_URL (CI runs this file with one)",
    ),
    pytest.mark.django_db(transaction=True, databases=["default", REPLICA]),
]


def test_dashboard_reads_only_from_the_replica(library):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        report = dashboard()
    assert len(replica) >= 4
    assert len(primary) == 0
    assert len(report.days) == 30


def test_reads_outside_reports_and_all_writes_stay_on_the_primary(library):
    with CaptureQueriesContext(connections[REPLICA]) as replica:
        problem = Problem.objects.order_by("pk")[0]
        with reports():
            Problem.objects.filter(pk=problem.pk).update(subtopic="changed")
    assert len(replica) == 0
    with reports():
        assert Problem.objects.get(pk=problem.pk).subtopic == "changed"
