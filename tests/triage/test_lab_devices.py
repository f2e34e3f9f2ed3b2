"""Devices, custody, triage uploads (service, API, CLI, real scanner), decisions, grading, the queue."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from tests.triage.lab_support import (
    accredit,
    file_record,
    hit,
    lab_team,
    make_device,
    report,
    report_with_hits,
    report_without_hits,
)

from custos.core.models import AuditEvent
from custos.triage import links, services
from custos.triage.models import CustodyEvent, Device, DeviceDecision, ExactHash, HashSet, TriageFileMatch

pytestmark = pytest.mark.django_db


# --- devices and chain of custody ----------------------------------------------------------------------


def test_a_seized_device_is_queued_with_its_custody_opened_and_audited(force: Any) -> None:
    device = make_device(
        force, seized_from="premises", premises="12 Acacia Avenue", capacity_bytes=128 * 10**9
    )
    assert device.status == "queued" and device.verdict == "not-triaged"
    first = device.custody.get()
    assert (first.sequence, first.seal_number, first.purpose) == (1, device.seal_number, "Seizure")
    assert "premises" in first.from_holder
    assert AuditEvent.objects.filter(action="custos.device.created", object_id=str(device.pk)).exists()


def test_a_device_must_go_to_a_digital_forensics_lab(force: Any) -> None:
    with pytest.raises(ValidationError) as err:
        make_device(force, lab_id=force.teams["cid@A"].pk)
    assert services.NOT_A_LAB in str(err.value)


def test_an_investigator_cannot_submit_another_boroughs_device(force: Any) -> None:
    data = {
        "exhibit_reference": "X/1",
        "device_type": "usb",
        "seal_number": "S1",
        "seized_from": "suspect",
        "borough_id": force.boroughs["B"].pk,
        "lab_id": force.teams["digital-forensics-lab@A"].pk,
    }
    with pytest.raises(ValidationError):
        services.device_create(actor=force.user("investigator", "A"), data=data)


def test_handovers_chain_from_holder_to_holder_and_track_the_seal(force: Any) -> None:
    device = make_device(force)
    actor = force.user("investigator", "A")
    services.custody_record(
        actor=actor,
        device=device,
        to_holder="Exhibits officer",
        location="Property store",
        purpose="Storage",
        seal_number=device.seal_number,
    )
    e3 = services.custody_record(
        actor=actor,
        device=device,
        to_holder="DFU reception",
        location="Lab",
        purpose="Triage",
        seal_number="NEWSEAL",
        seal_intact=False,
    )
    assert e3.sequence == 3 and e3.from_holder == "Exhibits officer"
    device.refresh_from_db()
    assert device.seal_number == "NEWSEAL"
    assert list(device.custody.values_list("sequence", flat=True)) == [1, 2, 3]


def test_the_chain_of_custody_is_append_only_in_the_database(force: Any) -> None:
    device = make_device(force)
    event = device.custody.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        CustodyEvent.objects.filter(pk=event.pk).update(to_holder="someone else")
    with pytest.raises(DatabaseError), transaction.atomic():
        CustodyEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE triage_custodyevent SET seal_number = 'X' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM triage_custodyevent")
    assert CustodyEvent.objects.get(pk=event.pk).to_holder == event.to_holder


# --- triage results ----------------------------------------------------------------------------------


def test_an_upload_keeps_the_verdict_counts_and_matched_files_only(force: Any) -> None:
    device = make_device(force)
    result, created = services.result_upload(
        actor=force.user("investigator"), device=device, report=report_with_hits()
    )
    assert created
    assert (result.verdict, result.matched_files, result.most_severe_category) == ("likely-iioc", 2, "A")
    assert result.by_category["A"] == 1 and result.by_category_and_kind["C"]["perceptual"] == 1
    rows = {m.path: m for m in TriageFileMatch.objects.filter(result=result)}
    assert set(rows) == {"/DCIM/a.jpg", "/DCIM/b.jpg"}  # the non-matching file is not kept
    assert (rows["/DCIM/b.jpg"].kind, rows["/DCIM/b.jpg"].distance) == ("perceptual", 12)
    device.refresh_from_db()
    assert (device.verdict, device.matched_files, device.latest_result_id) == ("likely-iioc", 2, result.pk)
    again, created_again = services.result_upload(actor=None, device=device, report=report_with_hits())
    assert again.pk == result.pk and not created_again


def test_known_good_files_never_count_as_matches(force: Any) -> None:
    device = make_device(force)
    rec = file_record("/Windows/x.dll", b"dll", [hit("A")], known_good=True)
    result, _ = services.result_upload(actor=None, device=device, report=report([rec], likely=False))
    assert result.matched_files == 0 and result.verdict == "no-hits"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"not json", "not valid JSON"),
        (json.dumps({"files": []}).encode(), "'schema_version' is missing"),
        (json.dumps({**report_without_hits(), "schema_version": "2.0"}).encode(), "schema version 2.0"),
        (
            json.dumps(report([file_record("/DCIM/a\x00.jpg", b"image-a", [hit("A")])])).encode(),
            "null character (\\u0000) in files[0].path",
        ),
        (
            json.dumps({**report_without_hits(), "source": {"image\x00": "x"}}).encode(),
            "null character (\\u0000) in source.image\x00",
        ),
    ],
)
def test_a_malformed_report_is_refused_with_a_reason(body: bytes, fragment: str) -> None:
    with pytest.raises(ValidationError) as err:
        services.parse_report(body)
    assert fragment in " ".join(err.value.messages)


def test_upload_through_the_api_then_read_it_back(force: Any, client_for: Any) -> None:
    device = make_device(force)
    client = client_for(force.user("ocsae-investigator", "A"))
    url = f"/api/v1/triage/devices/{device.pk}/results"
    body = json.dumps(report_with_hits())
    first = client.post(url, data=body, content_type="application/json")
    assert first.status_code == 201, first.content
    assert first.json()["verdict"] == "likely-iioc" and first.json()["created"] is True
    assert client.post(url, data=body, content_type="application/json").status_code == 200
    bad = client.post(url, data="{}", content_type="application/json")
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    nul = report([file_record("/DCIM/c\x00.jpg", b"image-c", [hit("B")])])
    refused = client.post(url, data=json.dumps(nul), content_type="application/json")
    assert refused.status_code == 422, refused.content
    messages = [m for ms in refused.json()["errors"].values() for m in ms]
    assert any("null character (\\u0000) in files[0].path" in m for m in messages), messages
    got = client.get(f"/api/v1/triage/results/{first.json()['id']}").json()
    assert {m["path"] for m in got["matches"]} == {"/DCIM/a.jpg", "/DCIM/b.jpg"}
    outsider = client_for(force.user("ocsae-investigator", "B"))
    assert outsider.post(url, data=body, content_type="application/json").status_code == 404


def test_upload_through_the_cli(force: Any, tmp_path: Path, capsys: Any) -> None:
    from custos.cli import main

    device = make_device(force)
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report_with_hits()))
    assert main(["triage", "upload", str(path), "--device", str(device.pk)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["verdict"], out["matched_files"], out["created"]) == ("likely-iioc", 2, True)
    assert main(["triage", "upload", str(path), "--device", "999999"]) == 2
    assert "No device 999999" in capsys.readouterr().err
    # Uploading the same report again changes nothing.
    assert main(["triage", "upload", str(path), "--device", str(device.pk)]) == 0
    assert json.loads(capsys.readouterr().out)["created"] is False


def test_a_real_scan_report_uploads_end_to_end(force: Any, tmp_path: Path) -> None:
    from custos.triage.cli import main as scanner

    evidence = tmp_path / "evidence"
    (evidence / "DCIM").mkdir(parents=True)
    bad, other = b"generated known-bad bytes", b"an ordinary file"
    (evidence / "DCIM" / "x.bin").write_bytes(bad)
    (evidence / "notes.txt").write_bytes(other)
    hashset = tmp_path / "set.csv"
    hashset.write_text(f"sha1,category\n{hashlib.sha1(bad).hexdigest()},B\n")  # noqa: S324
    out = tmp_path / "report.json"
    assert (
        scanner(
            [
                "triage",
                "scan",
                str(evidence),
                "--hashset",
                str(hashset),
                "--json",
                str(out),
                "--workers",
                "1",
                "--no-pdq",
                "--quiet",
            ]
        )
        == 0
    )
    device = make_device(force)
    result, _ = services.upload_report(str(out), device.pk, actor=force.user("digital-forensic-examiner"))
    assert result.verdict == "likely-iioc" and result.by_category["B"] == 1
    assert result.matches.get().path.endswith("x.bin")


# --- offender management link ------------------------------------------------------------------------


def test_a_hit_on_an_rso_device_is_pending_until_offender_management_can_take_it(
    force: Any, monkeypatch: Any
) -> None:
    from tests.offenders.factories import make_offender

    monkeypatch.setattr(links, "offender_hook", lambda: None)
    nominal = make_offender(force).pk
    device = make_device(force, offender_id=nominal)
    assert device.suspect_is_rso
    services.result_upload(actor=None, device=device, report=report_with_hits())
    device.refresh_from_db()
    assert device.offender_link == "pending"
    assert AuditEvent.objects.filter(
        action="custos.device.offender_link_pending", object_id=str(device.pk)
    ).exists()

    calls: list[dict[str, Any]] = []

    def hook(**kw: Any) -> dict[str, int]:
        calls.append(kw)
        return {"tasks": 2}

    monkeypatch.setattr(links, "offender_hook", lambda: hook)
    from custos.triage.sweep import offender_links

    first = offender_links(date.today())
    assert first.created == {"offender-links": 1}
    assert calls[0]["offender_id"] == nominal and calls[0]["device"].pk == device.pk
    assert offender_links(date.today()).created == {"offender-links": 0}  # idempotent
    device.refresh_from_db()
    assert device.offender_link == "done"
    assert DeviceDecision.objects.filter(device=device, kind="offender-link").count() == 1


def test_a_device_without_hits_or_nominal_never_calls_offender_management(
    force: Any, monkeypatch: Any
) -> None:
    from tests.offenders.factories import make_offender

    calls: list[Any] = []
    monkeypatch.setattr(links, "offender_hook", lambda: lambda **kw: calls.append(kw))
    nominal = make_offender(force).pk
    services.result_upload(
        actor=None, device=make_device(force, offender_id=nominal), report=report_without_hits()
    )
    services.result_upload(actor=None, device=make_device(force), report=report_with_hits())
    assert calls == []


def test_a_hit_on_an_rso_device_gives_the_offender_manager_a_risk_review_and_a_visit(force: Any) -> None:
    from tests.offenders.factories import make_offender

    from custos.offenders.models import OffenderTask

    assert links.offender_hook() is not None
    offender = make_offender(force)
    device = make_device(force, offender_id=offender.pk)
    services.result_upload(
        actor=force.user("digital-forensic-examiner"), device=device, report=report_with_hits()
    )
    device.refresh_from_db()
    assert device.offender_link == "done"
    tasks = OffenderTask.objects.filter(offender=offender, status="open")
    assert {t.kind for t in tasks} >= {"risk-review", "triage-hit-visit"}
    assert all(
        t.owner_id == offender.lead_manager_id for t in tasks if t.kind in ("risk-review", "triage-hit-visit")
    )


# --- examiners' decisions ------------------------------------------------------------------------------


def test_a_device_with_no_hits_can_be_returned_with_a_recorded_decision(force: Any) -> None:
    device = make_device(force)
    services.result_upload(actor=None, device=device, report=report_without_hits())
    device.refresh_from_db()
    decision = services.device_return(
        actor=force.user("digital-forensic-examiner"), device=device, reason="Triage found nothing; low risk"
    )
    device.refresh_from_db()
    assert device.status == "returned"
    assert decision.basis.startswith("policy triage.full_examination_always") and decision.policy_version


@pytest.mark.parametrize(
    ("kw", "rep"),
    [
        ({"suspect_is_rso": True}, report_without_hits),
        ({"contact_offending_indicators": True}, report_without_hits),
        ({}, report_with_hits),
        ({}, None),
    ],
    ids=["rso-suspect", "contact-offending", "hits", "not-triaged"],
)
def test_policy_and_hits_prevent_a_return(force: Any, monkeypatch: Any, kw: dict, rep: Any) -> None:
    monkeypatch.setattr(links, "offender_hook", lambda: None)
    device = make_device(force, **kw)
    if rep is not None:
        services.result_upload(actor=None, device=device, report=rep())
        device.refresh_from_db()
    with pytest.raises(ValidationError) as err:
        services.device_return(actor=force.user("digital-forensic-examiner"), device=device, reason="no")
    assert "needs a full examination" in " ".join(err.value.messages)


def test_examiner_records_results_and_the_device_leaves_the_queue(force: Any) -> None:
    examiner_user = force.user("digital-forensic-examiner")
    accredit(force.people["digital-forensic-examiner@A"])
    device = make_device(force)
    services.device_assign(
        actor=examiner_user, device=device, examiner=force.people["digital-forensic-examiner@A"]
    )
    from custos.triage import selectors

    assert list(selectors.worklist(actor=examiner_user)) == [device]
    services.device_examination_complete(
        actor=examiner_user, device=device, findings={"category_a": 3, "category_b": 0, "category_c": 12}
    )
    device.refresh_from_db()
    assert device.status == "examined"
    assert device.decisions.get(kind="examined").findings == {
        "category_a": 3,
        "category_b": 0,
        "category_c": 12,
    }
    with pytest.raises(PermissionError):
        services.device_assign(
            actor=force.user("investigator"),
            device=device,
            examiner=force.people["digital-forensic-examiner@A"],
        )


def test_only_an_accredited_examiner_of_the_lab_is_offered_or_given_a_device(
    force: Any, client_for: Any
) -> None:
    examiner_user = force.user("digital-forensic-examiner")
    examiner = force.people["digital-forensic-examiner@A"]
    device = make_device(force)
    client = client_for(examiner_user)
    # Not accredited yet: a member of the lab team, but not someone who may examine.
    assert examiner not in client.get(f"/triage/devices/{device.pk}/").context["examiners"]
    with pytest.raises(ValidationError) as err:
        services.device_assign(actor=examiner_user, device=device, examiner=examiner)
    assert err.value.messages == [services.NOT_AN_ACCREDITED_EXAMINER.format(name=examiner.full_name)]
    refused = client.post(f"/triage/devices/{device.pk}/assign/", {"examiner": examiner.pk})
    refusal = services.NOT_AN_ACCREDITED_EXAMINER.format(name=examiner.full_name)
    assert refused.context["assign_error"] == refusal
    device.refresh_from_db()
    assert device.status == "queued" and device.examiner is None

    accredit(examiner)
    assert examiner in client.get(f"/triage/devices/{device.pk}/").context["examiners"]
    client.post(f"/triage/devices/{device.pk}/assign/", {"examiner": examiner.pk})
    device.refresh_from_db()
    assert device.status == "in-examination" and device.examiner == examiner


# --- grading ---------------------------------------------------------------------------------------------


def test_a_graded_hash_joins_the_local_set_after_enough_independent_gradings(
    force: Any, make_user: Any
) -> None:
    examiners = [
        force.user("digital-forensic-examiner", "A"),
        force.user("digital-forensic-examiner", "B"),
        make_user("examiner-3", ["digital-forensic-examiner"]),
    ]
    sha256 = hashlib.sha256(b"new material").hexdigest()
    services.grading_record(actor=examiners[0], category="B", sha256=sha256)
    with pytest.raises(ValidationError):
        services.grading_record(actor=examiners[0], category="B", sha256=sha256.upper())
    g2 = services.grading_record(actor=examiners[1], category="B", sha256=sha256)
    assert not g2.counted and not ExactHash.objects.filter(sha256=sha256).exists()
    g3 = services.grading_record(actor=examiners[2], category="B", sha256=sha256, md5="a" * 32)
    assert g3.counted
    local = HashSet.objects.get(is_local=True)
    assert ExactHash.objects.get(sha256=sha256, hash_set=local).category == "B"
    assert AuditEvent.objects.filter(action="custos.hashset.graded_entry_added").count() == 1
    with pytest.raises(PermissionError):
        services.grading_record(actor=force.user("investigator"), category="A", sha256=sha256)


# --- the queue --------------------------------------------------------------------------------------------


def test_the_queue_shows_expected_starts_and_sla_misses_from_examiner_capacity(force: Any) -> None:
    from custos.triage import selectors

    accredit(force.people["digital-forensic-examiner@A"])
    today = date(2026, 11, 25)
    urgent = make_device(
        force,
        referral_grade="very-high",
        referral_received_on=today,
        submitted_on=today,
        suspect_access_to_children=True,
    )
    others = [
        make_device(force, referral_grade="high", referral_received_on=today, submitted_on=today)
        for _ in range(3)
    ]
    view = selectors.lab_queue(actor=force.user("ocsae-investigator"), today=today)
    assert view.entries[0].device.pk == urgent.pk
    assert view.labs[0].plan.examiners == 1
    starts = [e.ranked.expected_start for e in view.entries]
    assert starts[0] == today and starts == sorted(starts)  # type: ignore[type-var]
    # 0.4 starts a working day: 25 Nov, 27 Nov, 2 Dec (= the high SLA date), 4 Dec (after it).
    assert [e.ranked.misses_sla for e in view.entries] == [False, False, False, True]
    assert {e.device.pk for e in view.entries} == {urgent.pk, *(d.pk for d in others)}
    outsider = selectors.lab_queue(actor=force.user("ocsae-investigator", "B"), today=today)
    assert outsider.entries == []


def test_the_queue_page_needs_a_constant_number_of_queries_and_never_shows_images(
    force: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    accredit(force.people["digital-forensic-examiner@A"])
    for i in range(3):
        services.result_upload(
            actor=None, device=make_device(force, suspect_is_rso=bool(i % 2)), report=report_with_hits()
        )
    client = client_for(force.user("digital-forensic-examiner"))
    with django_assert_max_num_queries(40) as few:
        assert client.get("/triage/").status_code == 200
    for _ in range(12):
        make_device(force)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/triage/")
    assert page.status_code == 200
    csv_rows = client.get("/triage/?format=csv").content.decode().splitlines()
    assert len(csv_rows) == 16 and csv_rows[0].startswith("position,exhibit_reference")
    device = Device.objects.filter(verdict="likely-iioc").first()
    assert device is not None
    detail = client.get(f"/triage/devices/{device.pk}/").content
    result = client.get(f"/triage/results/{device.latest_result_id}/").content
    assert b"<img" not in detail and b"<img" not in result
    assert b"/DCIM/a.jpg" in result and b"Chain of custody" in detail


def test_home_panels_for_examiners_and_ocsae_investigators(force: Any, client_for: Any) -> None:
    make_device(force, referral_grade="very-high", referral_received_on=date.today() - timedelta(days=5))
    for role in ("digital-forensic-examiner", "ocsae-investigator"):
        body = client_for(force.user(role)).get("/").content
        assert b"will miss their SLA" in body
    assert b"Your examinations" in client_for(force.user("digital-forensic-examiner")).get("/").content


def test_devices_seized_long_ago_are_ranked_by_age_within_equal_risk(force: Any) -> None:
    from custos.triage import selectors

    today = date.today()
    newer = make_device(force, submitted_on=today - timedelta(days=1))
    older = make_device(force, submitted_on=today - timedelta(days=40))
    view = selectors.lab_queue(actor=force.user("administrator"), today=today)
    order = [e.device.pk for e in view.entries]
    assert order.index(older.pk) < order.index(newer.pk)


def test_the_api_queue_returns_rank_reasons_expected_start_and_sla(force: Any, client_for: Any) -> None:
    accredit(force.people["digital-forensic-examiner@A"])
    device = make_device(force, referral_grade="high", suspect_is_rso=True)
    services.result_upload(actor=None, device=device, report=report_with_hits())
    body = client_for(force.user("digital-forensic-examiner")).get("/api/v1/triage/queue").json()
    first = body["items"][0]
    assert first["device"]["id"] == device.pk and first["device"]["verdict"] == "likely-iioc"
    assert first["expected_start"] and first["misses_sla"] is False and first["full_examination_required"]
    assert any("triage.ranking.rso" in r["basis"] for r in first["reasons"])
    assert first["sla_basis"].startswith("policy triage.sla_days.high")


def _mistyped(change: Any) -> dict[str, Any]:
    rep = report_with_hits()
    change(rep)
    return rep


@pytest.mark.parametrize(
    ("rep", "fragment"),
    [
        (_mistyped(lambda r: r["files"][1]["matches"][0].update(distance="far")), "distance"),
        (_mistyped(lambda r: r["files"][0].update(size="big")), "files[0].size"),
        (_mistyped(lambda r: r.update(source="disk")), "'source' must be an object"),
        (_mistyped(lambda r: r.update(generator=[1])), "'generator' must be an object"),
        (_mistyped(lambda r: r["summary"].update(files_total="many")), "summary.files_total"),
        (_mistyped(lambda r: r["summary"].update(by_category=[1])), "summary.by_category"),
        (_mistyped(lambda r: r["files"][0].update(matches="A")), "files[0].matches must be a list"),
        (_mistyped(lambda r: r["files"][0]["matches"][0].update(kind="fuzzy")), "exact or perceptual"),
        (_mistyped(lambda r: r["files"][0]["matches"][0].update(category={"a": 1})), "category"),
        (_mistyped(lambda r: r["source"].update(verification="yes")), "source.verification"),
        (_mistyped(lambda r: r.update(hashsets={"VIC": 1})), "'hashsets' must be a list"),
    ],
)
def test_a_mistyped_report_is_refused_on_the_page_and_nothing_is_attached(
    force: Any, client_for: Any, rep: dict[str, Any], fragment: str
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    device = make_device(force)
    client = client_for(force.user("ocsae-investigator", "A"))
    upload = SimpleUploadedFile("report.json", json.dumps(rep).encode(), content_type="application/json")
    page = client.post(f"/triage/devices/{device.pk}/results/upload/", {"report": upload})
    assert page.status_code == 200
    assert fragment in page.content.decode().replace("&#x27;", "'")
    api = client.post(
        f"/api/v1/triage/devices/{device.pk}/results", data=json.dumps(rep), content_type="application/json"
    )
    assert api.status_code == 422
    assert not device.results.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("offender_id", "987654", services.NO_NOMINAL.format(offender_id=987654)),
        ("seized_at", "2099-01-01T10:00", services.SEIZED_IN_FUTURE),
        ("referral_received_on", "2099-01-01", services.REFERRAL_IN_FUTURE),
    ],
)
def test_a_device_with_an_unknown_nominal_or_a_future_date_is_refused_against_its_field(
    force: Any, client_for: Any, field: str, value: str, message: str
) -> None:
    form = {
        "exhibit_reference": "EX/NEW/1",
        "device_type": "phone",
        "seal_number": "SEAL1",
        "seized_from": "suspect",
        "seized_at": "2026-01-01T10:00",
        "lab": lab_team(force).pk,
        "kirat_level": "unknown",
        "referral_grade": "unknown",
        field: value,
    }
    client = client_for(force.user("investigator", "A"))
    page = client.post("/triage/devices/new/", form)
    assert page.status_code == 200
    assert message in page.context["form"].errors[field]
    assert not Device.objects.filter(exhibit_reference="EX/NEW/1").exists()


def test_a_device_linked_to_a_nominal_on_the_register_is_accepted(force: Any) -> None:
    from tests.offenders.factories import make_offender

    nominal = make_offender(force)
    assert make_device(force, offender_id=nominal.pk).suspect_is_rso


def test_a_report_that_read_nothing_leaves_the_device_not_triaged_and_unreturnable(force: Any) -> None:
    device = make_device(force)
    rep = report([])
    rep["summary"].update(nothing_read=True, likely_iioc_reason="no file could be read from this raw image")
    result, _ = services.result_upload(actor=None, device=device, report=rep)
    device.refresh_from_db()
    assert result.verdict == device.verdict == "not-triaged"
    with pytest.raises(ValidationError) as err:
        services.device_return(actor=force.user("digital-forensic-examiner"), device=device, reason="none")
    assert "has not been triaged" in " ".join(err.value.messages)
    empty_folder, _ = services.result_upload(actor=None, device=make_device(force), report=report([]))
    assert empty_folder.verdict == "no-hits"


def test_a_handover_can_still_be_recorded_on_the_page_after_the_examination_is_closed(
    force: Any, client_for: Any
) -> None:
    examiner_user = force.user("digital-forensic-examiner")
    accredit(force.people["digital-forensic-examiner@A"])
    device = make_device(force)
    services.device_assign(
        actor=examiner_user, device=device, examiner=force.people["digital-forensic-examiner@A"]
    )
    services.device_examination_complete(actor=examiner_user, device=device, findings={})
    client = client_for(examiner_user)
    custody_url = f"/triage/devices/{device.pk}/custody/"
    page = client.get(f"/triage/devices/{device.pk}/").content.decode()
    assert f'action="{custody_url}"' in page  # back to the property store or the owner
    assert f'action="/triage/devices/{device.pk}/complete/"' not in page
    client.post(
        custody_url,
        {"to_holder": "Property store", "location": "HQ", "purpose": "Return", "seal_number": "S2"},
    )
    assert device.custody.order_by("-sequence").first().to_holder == "Property store"


def test_recorded_findings_read_as_a_sentence_on_the_device_page(force: Any, client_for: Any) -> None:
    examiner_user = force.user("digital-forensic-examiner")
    device = make_device(force)
    services.device_examination_complete(
        actor=examiner_user, device=device, findings={"category_a": 3, "category_b": 0, "category_c": 12}
    )
    DeviceDecision.objects.create(
        device=device,
        kind="offender-link",
        findings={"offender_id": 42, "outcome": {"offender": 42, "visit_task": 7, "risk_review_task": 8}},
        policy_version="test",
    )
    page = client_for(examiner_user).get(f"/triage/devices/{device.pk}/").content.decode()
    assert "confirmed: category A 3, category B 0, category C 12" in page
    assert "RSO nominal 42: unannounced-visit task 7, risk-review task 8" in page
    assert "{&#x27;" not in page and "&#x27;category_a&#x27;" not in page


def test_the_api_refuses_a_borough_that_does_not_exist_with_a_422_not_a_500(
    force: Any, client_for: Any
) -> None:
    body = {
        "exhibit_reference": "EX/API/1",
        "device_type": "phone",
        "seal_number": "S1",
        "seized_from": "suspect",
        "lab_id": lab_team(force).pk,
        "borough_id": 987654,
    }
    client = client_for(force.user("digital-forensic-examiner", "A"))
    got = client.post("/api/v1/triage/devices", data=json.dumps(body), content_type="application/json")
    assert got.status_code == 422
    assert got.json()["errors"]["borough_id"] == [services.UNKNOWN_BOROUGH.format(borough_id=987654)]
    assert not Device.objects.filter(exhibit_reference="EX/API/1").exists()


def test_a_returned_device_goes_back_in_the_queue_when_a_later_triage_finds_hits(force: Any) -> None:
    device = make_device(force)
    services.result_upload(actor=None, device=device, report=report_without_hits())
    device.refresh_from_db()
    services.device_return(actor=force.user("digital-forensic-examiner"), device=device, reason="no hits")
    services.result_upload(actor=force.user("investigator"), device=device, report=report_with_hits())
    device.refresh_from_db()
    assert (device.status, device.verdict) == ("queued", "likely-iioc")
    requeued = device.decisions.get(kind="requeued")
    assert requeued.findings == {"verdict": "likely-iioc"} and "Likely IIOC" in requeued.reason
    assert AuditEvent.objects.filter(action="custos.device.requeued", object_id=str(device.pk)).exists()
    again = make_device(force)
    services.result_upload(actor=None, device=again, report=report_without_hits())
    again.refresh_from_db()
    services.device_return(actor=force.user("digital-forensic-examiner"), device=again, reason="none")
    services.result_upload(actor=None, device=again, report=report([file_record("/x.txt", b"other")]))
    again.refresh_from_db()
    assert again.status == "returned"  # still nothing found: the return stands


def test_the_seizure_form_asks_its_questions_in_plain_words(force: Any, client_for: Any) -> None:
    page = client_for(force.user("investigator", "A")).get("/triage/devices/new/").content.decode()
    for label in (
        "Make and model",
        "The suspect has access to children",
        "The suspect is a registered sex offender",
        "There are contact-offending indicators",
    ):
        assert label in page
    assert "Make model" not in page and "Contact offending indicators" not in page


def test_an_incomplete_handover_says_what_is_missing(force: Any, client_for: Any) -> None:
    device = make_device(force)
    client = client_for(force.user("investigator", "A"))
    page = client.post(f"/triage/devices/{device.pk}/custody/", {"to_holder": "Lab"})
    missing = {name for name, errors in page.context["custody_form"].errors.items() if errors}
    assert missing == {"location", "purpose", "seal_number"}
    assert device.custody.count() == 1


def test_the_result_page_says_which_policy_the_scan_used_and_which_scanner(
    force: Any, client_for: Any
) -> None:
    device = make_device(force)
    result, _ = services.result_upload(actor=None, device=device, report=report_with_hits())
    page = client_for(force.user("digital-forensic-examiner")).get(f"/triage/results/{result.pk}/")
    text = page.content.decode()
    assert (
        f"Scanned under policy vtest by custos-triage 0.1 · stored under policy v{result.policy_version}"
        in text
    )
    assert "Scanner v" not in text


def test_the_device_links_its_investigation_and_nominal_for_those_who_may_open_them(
    force: Any, client_for: Any
) -> None:
    from tests.crimes.factories import make_crime
    from tests.offenders.factories import make_offender

    crime = make_crime(borough=force.boroughs["A"])
    nominal = make_offender(force)
    device = make_device(force, crime_reference=crime.reference, offender_id=nominal.pk)
    url = f"/triage/devices/{device.pk}/"
    crime_link = f'href="/crimes/{crime.pk}/"'
    nominal_link = f'href="/offenders/{nominal.pk}/"'
    manager = client_for(force.user("offender-manager", "A"))
    page = manager.get(url).content.decode()
    assert crime_link in page and nominal_link in page
    assert manager.get(f"/offenders/{nominal.pk}/").status_code == 200
    examiner = client_for(force.user("digital-forensic-examiner", "A"))
    page = examiner.get(url).content.decode()
    assert nominal_link not in page and f"nominal {nominal.pk}" in page  # not theirs to open
    if crime_link in page:  # shown only when it opens
        assert examiner.get(f"/crimes/{crime.pk}/").status_code == 200
