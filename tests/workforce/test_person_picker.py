"""Choosing a person in a form: a select for a few, a staff number with suggestions for many.

The `force` fixture is small, so the threshold is lowered through the policy (as other tests override
policy values) to put the forms over it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest

from custos.core.policy import current_policy
from custos.offenders.models import Visit
from custos.workforce import picker
from custos.workforce.models import Person
from custos.workforce.picker import PERSON_NOT_CHOOSABLE, PICKER_HINT, PersonField
from tests.offenders.factories import make_offender


@pytest.fixture
def many() -> Iterator[None]:
    """Every person picker is over the threshold: any choosable person at all is "many"."""
    tiny = current_policy().with_overrides({"workforce.person_picker_max_options": 0})
    with mock.patch.object(picker, "current_policy", return_value=tiny):
        yield


def _visit_url(offender: Any) -> str:
    return f"/offenders/{offender.pk}/visits/new/"


def _suggest(client: Any, offender: Any, typed: str) -> Any:
    return client.get(
        f"/workforce/people/suggestions/offenders.visit-officer/{offender.pk}/",
        {"field": "officer", "officer": typed},
    )


def _suggested_numbers(response: Any) -> list[str]:
    return re.findall(r'data-staff-number="([^"]+)"', response.content.decode())


def _visit_body(**kw: str) -> dict[str, str]:
    return {"attempted_at": "2024-03-01T10:00", "outcome": "seen-and-entered", **kw}


def _html(response: Any) -> str:
    from html import unescape

    return unescape(response.content.decode())


# -- few: the select stays ---------------------------------------------------------------------------------


def test_the_picker_stays_a_select_while_few_may_be_chosen(force: Any, client_for: Any) -> None:
    offender = make_offender(force)
    html = client_for(force.user("offender-manager")).get(_visit_url(offender)).content.decode()

    assert '<select name="officer"' in html
    assert f'value="{force.people["offender-manager@A"].pk}" selected' in html
    assert "hx-get" not in html and PICKER_HINT not in html


def test_under_the_threshold_the_field_takes_a_primary_key_as_before(force: Any) -> None:
    field = PersonField(queryset=Person.objects.filter(borough=force.boroughs["A"]))
    person = force.people["investigator@A"]

    assert field.clean(str(person.pk)) == person


# -- many: a staff number, with suggestions ----------------------------------------------------------------


def test_over_the_threshold_it_asks_for_a_staff_number_with_suggestions(
    force: Any, client_for: Any, many: None
) -> None:
    offender = make_offender(force)
    me = force.people["offender-manager@A"]
    html = client_for(force.user("offender-manager")).get(_visit_url(offender)).content.decode()

    assert '<select name="officer"' not in html and f'value="{me.pk}"' not in html
    assert '<label class="govuk-label" for="id_officer">Officer</label>' in html
    assert f'<div id="id_officer-hint" class="govuk-hint">{PICKER_HINT}</div>' in html.replace("&#x27;", "'")
    field = re.search(r'<input type="text" name="officer"[^>]*>', html)
    assert field is not None
    assert f'value="{me.staff_number}"' in field.group(0)  # the initial officer, as a staff number
    assert 'aria-describedby="id_officer-hint"' in field.group(0)
    assert f'hx-get="/workforce/people/suggestions/offenders.visit-officer/{offender.pk}/?field=officer"' in (
        field.group(0)
    )
    assert str(me) in html  # and who that is, next to it


def test_a_choosable_staff_number_is_accepted_as_that_person(force: Any, client_for: Any, many: None) -> None:
    offender = make_offender(force)
    teammate = force.people["teammate@A"]
    response = client_for(force.user("offender-manager")).post(
        _visit_url(offender), _visit_body(officer=f"  {teammate.staff_number.lower()} ")
    )

    assert response.status_code == 302
    assert Visit.objects.get(offender=offender).officer == teammate


def test_a_pasted_suggestion_is_accepted_as_its_staff_number(force: Any, many: None) -> None:
    field = PersonField(queryset=Person.objects.filter(borough=force.boroughs["A"]))
    person = force.people["investigator@A"]

    assert field.clean(f"{person} ") == person


def test_someone_outside_the_choosable_set_is_refused_with_the_message(
    force: Any, client_for: Any, many: None
) -> None:
    offender = make_offender(force)  # borough A: its visits are recorded by borough A's people
    outsider = force.people["offender-manager@B"]
    response = client_for(force.user("offender-manager")).post(
        _visit_url(offender), _visit_body(officer=outsider.staff_number)
    )

    assert response.status_code == 200
    html = _html(response)
    assert PERSON_NOT_CHOOSABLE in html
    assert f'value="{outsider.staff_number}"' in html  # shown back as typed, to correct
    assert str(outsider) not in html  # never who it is
    assert not Visit.objects.filter(offender=offender).exists()


def test_an_unknown_staff_number_is_refused_and_shown_back(force: Any, client_for: Any, many: None) -> None:
    offender = make_offender(force)
    response = client_for(force.user("offender-manager")).post(
        _visit_url(offender), _visit_body(officer="NO-SUCH-1")
    )

    html = _html(response)
    assert PERSON_NOT_CHOOSABLE in html
    assert 'value="NO-SUCH-1"' in html
    assert 'class="govuk-input govuk-input--width-20 govuk-input--error"' in html
    assert 'aria-describedby="id_officer-hint id_officer-error"' in html


def test_the_field_is_optional_where_it_was(force: Any, client_for: Any, many: None) -> None:
    offender = make_offender(force)
    response = client_for(force.user("offender-manager")).post(
        _visit_url(offender), _visit_body(officer="", second_officer="")
    )

    assert response.status_code == 302
    assert Visit.objects.get(offender=offender).second_officer is None


def test_a_form_over_the_threshold_keeps_its_own_rules(force: Any, client_for: Any, many: None) -> None:
    # Adding a nominal: an administrator may choose any ViSOR-authorised lead manager, but one from
    # another borough than the offender's is still refused by the form's own check.
    from custos.offenders.forms import LEAD_OTHER_BOROUGH

    response = client_for(force.user("administrator")).post(
        "/offenders/new/",
        {
            "first_name": "Ann",
            "last_name": "Other",
            "date_of_birth": "1970-01-01",
            "sex": "male",
            "borough": force.boroughs["A"].pk,
            "team": force.teams["offender-management@A"].pk,
            "mappa_category": 1,
            "mappa_level": 1,
            "management_mode": "active",
            "rosh_level": "high",
            "rosh_reason": "Test",
            "lead_manager": force.people["offender-manager@B"].staff_number,
            "managed_since": "2024-01-01",
            "first_notification_on": "2024-01-02",
        },
    )

    html = _html(response)
    assert LEAD_OTHER_BOROUGH in html
    assert PERSON_NOT_CHOOSABLE not in html


def _page(force: Any, page: str) -> str:
    from tests.crimes.factories import make_crime

    offender = make_offender(force)
    crime = make_crime(borough=force.boroughs["A"], team=force.teams["cid@A"])
    return page.format(
        offender=offender.pk,
        crime=crime.pk,
        person=force.people["offender-manager@A"].pk,
        team=force.teams["offender-management@A"].pk,
    )


@pytest.mark.parametrize(
    ("role", "page", "fields"),
    [
        ("administrator", "/allocation/conflicts/", ["officer"]),
        ("investigation-supervisor", "/allocation/crimes/{crime}/override/", ["officer"]),
        ("offender-manager", "/offenders/new/", ["lead_manager", "deputy_manager"]),
        ("offender-manager", "/offenders/{offender}/visits/new/", ["officer", "second_officer"]),
        ("offender-manager", "/offenders/{offender}/management/", ["lead_manager", "deputy_manager"]),
        ("administrator", "/workforce/people/new/", ["line_supervisor"]),
        ("mosovo-supervisor", "/workforce/people/{person}/edit/", ["line_supervisor"]),
        ("administrator", "/workforce/teams/new/", ["supervisor"]),
        ("administrator", "/workforce/teams/{team}/edit/", ["supervisor"]),
    ],
)
def test_every_form_that_chooses_people_suggests_them_to_whoever_may_use_it(
    force: Any, client_for: Any, many: None, role: str, page: str, fields: list[str]
) -> None:
    client = client_for(force.user(role))
    response = client.get(_page(force, page))
    html = response.content.decode()

    assert response.status_code == 200
    for name in fields:
        field = re.search(rf'<input type="text" name="{name}"[^>]*hx-get="([^"]+)"', html)
        assert field is not None, f"{name} is not a staff-number input"
        suggestions = client.get(field.group(1).replace("&amp;", "&") + f"&{name}=Test")
        assert suggestions.status_code == 200
        assert _suggested_numbers(suggestions), f"{name} suggests nobody"
        assert f'<select name="{name}"' not in html


def test_a_team_supervisor_is_chosen_by_staff_number_from_the_team_borough(
    force: Any, client_for: Any, many: None
) -> None:
    team = force.teams["cid@A"]
    client = client_for(force.user("administrator"))
    body = {"name": team.name, "team_type": team.team_type}
    outsider = force.people["investigation-supervisor@B"]
    refused = client.post(f"/workforce/teams/{team.pk}/edit/", {**body, "supervisor": outsider.staff_number})
    chosen = force.people["di-line@A"]
    saved = client.post(f"/workforce/teams/{team.pk}/edit/", {**body, "supervisor": chosen.staff_number})

    assert PERSON_NOT_CHOOSABLE in _html(refused)
    assert saved.status_code == 302
    team.refresh_from_db()
    assert team.supervisor == chosen


# -- the suggestions --------------------------------------------------------------------------------------


def test_suggestions_list_only_people_the_form_offers(force: Any, client_for: Any) -> None:
    offender = make_offender(force)
    response = _suggest(client_for(force.user("offender-manager")), offender, "Test")

    numbers = set(_suggested_numbers(response))
    borough_a = set(
        Person.objects.filter(borough=force.boroughs["A"], active=True).values_list("staff_number", flat=True)
    )
    assert response.status_code == 200
    assert numbers and numbers <= borough_a
    assert force.people["offender-manager@B"].staff_number not in numbers


def test_suggestions_match_names_and_numbers_and_put_an_exact_number_first(
    force: Any, client_for: Any, make_person: Any
) -> None:
    offender = make_offender(force)
    client = client_for(force.user("offender-manager"))
    a = force.boroughs["A"]
    jane = make_person(first_name="Jane", last_name="Okafor-Smith", borough=a)
    make_person(first_name="Janet", last_name="Okoro", borough=a)
    make_person(first_name="Jane", last_name="Okafor", borough=a, active=False)  # not choosable

    assert _suggested_numbers(_suggest(client, offender, "jan oka")) == [jane.staff_number]
    assert _suggested_numbers(_suggest(client, offender, "smith")) == [jane.staff_number]
    assert _suggested_numbers(_suggest(client, offender, jane.staff_number))[0] == jane.staff_number


def test_suggestions_stop_at_twenty_and_say_there_are_more(
    force: Any, client_for: Any, make_person: Any
) -> None:
    offender = make_offender(force)
    for i in range(picker.SUGGESTIONS_SHOWN + 3):
        make_person(first_name="Zed", last_name=f"Many{i:02d}", borough=force.boroughs["A"])
    response = _suggest(client_for(force.user("offender-manager")), offender, "zed")

    assert len(_suggested_numbers(response)) == picker.SUGGESTIONS_SHOWN
    assert "type more" in response.content.decode()


def test_one_character_or_nothing_suggests_nobody(force: Any, client_for: Any) -> None:
    offender = make_offender(force)
    client = client_for(force.user("offender-manager"))

    for typed in ("", "T", " T "):
        response = _suggest(client, offender, typed)
        assert response.status_code == 200
        assert _suggested_numbers(response) == []
        assert "No one" not in response.content.decode()


def test_no_match_says_so(force: Any, client_for: Any) -> None:
    response = _suggest(client_for(force.user("offender-manager")), make_offender(force), "Qqzz")

    assert "No one you can choose here matches" in response.content.decode()


def test_suggestions_for_a_conflict_are_only_the_officers_one_may_declare_for(
    force: Any, client_for: Any
) -> None:
    url = "/workforce/people/suggestions/allocation.conflict-officer/"
    investigator = client_for(force.user("investigator"))
    supervisor = client_for(force.user("investigation-supervisor"))

    assert _suggested_numbers(investigator.get(url, {"field": "officer", "officer": "Test"})) == [
        force.people["investigator@A"].staff_number
    ]
    managed = set(_suggested_numbers(supervisor.get(url, {"field": "officer", "officer": "Test"})))
    assert force.people["investigator@A"].staff_number in managed
    assert force.people["investigator@B"].staff_number not in managed


def test_suggestions_refuse_anyone_the_form_page_refuses(force: Any, client_for: Any) -> None:
    offender = make_offender(force)  # in borough A

    for user in (force.user("offender-manager", "B"), force.user("investigator"), force.user("inspector")):
        assert _suggest(client_for(user), offender, "Test").status_code == 404
    om = client_for(force.user("offender-manager"))
    assert om.get("/workforce/people/suggestions/no.such-source/").status_code == 404
    # A source about a record needs that record, and one about none takes none.
    assert om.get("/workforce/people/suggestions/offenders.visit-officer/").status_code == 404
    url = f"/workforce/people/suggestions/offenders.new-lead-manager/{offender.pk}/"
    assert om.get(url).status_code == 404


def test_suggestions_need_a_signed_in_user(force: Any, client: Any) -> None:
    offender = make_offender(force)
    response = _suggest(client, offender, "Test")

    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]


# -- one form, one set of people ---------------------------------------------------------------------------


def test_a_form_field_copied_for_each_form_never_shares_who_was_resolved(force: Any, many: None) -> None:
    from custos.allocation.forms import ConflictForm
    from custos.allocation.pickers import conflict_officers

    investigator = force.people["investigator@A"]
    body = {"officer": investigator.staff_number, "kind": "series", "series_id": "S-1", "reason": "Cousin"}
    mine = ConflictForm(body, officers=conflict_officers(force.user("administrator")))
    theirs = ConflictForm(body, officers=conflict_officers(force.user("investigator", "B")))

    assert mine.is_valid() and mine.cleaned_data["officer"] == investigator
    assert str(investigator) in str(mine["officer"])
    assert not theirs.is_valid()
    assert theirs.errors["officer"] == [PERSON_NOT_CHOOSABLE]
    assert str(investigator) not in str(theirs["officer"])
