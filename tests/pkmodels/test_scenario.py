"""Scenario files: the documented form works, every kind of bad input gives one clear line, round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pkmodels import (
    Failure,
    ITBolus,
    ITContinuous,
    ITFlex,
    ITTaper,
    ITTitration,
    OralDoses,
    OralTaper,
    OralTitration,
    Patient,
    Pump,
    Scenario,
    ScenarioError,
    parse_scenario,
    scenario_from_json,
    simulate,
)
from pkmodels.scenario import MAX_FILE_BYTES, MAX_POINTS, default_output_step_min, scenario_to_dict, scenario_to_json

EXAMPLE = Path(__file__).parents[2] / "examples" / "issue_example.json"


def test_issue_example_parses_with_its_meaning():
    s = scenario_from_json(EXAMPLE.read_text())
    assert s.duration_h == 72
    assert s.output_step_min == 5
    assert s.patient == Patient(70, 40, 100)
    assert s.oral == (OralDoses(20, 8, 0, 72),)
    assert s.intrathecal == (ITBolus(50, 0), ITContinuous(400, 0, 48))
    assert len(simulate(s).table) == 72 * 12 + 1


def test_routes_may_be_absent_or_empty():
    s = parse_scenario({"version": 1, "oral": []})
    assert s.regimens == ()
    assert parse_scenario({"version": 1, "duration_h": 24, "intrathecal": [{"rate_ug_per_day": 300}]}).oral == ()


BAD = [
    ({"version": 2}, "version must be 1"),
    ({"version": 1, "dose": 3}, "unknown key 'dose'"),
    ({"version": 1, "oral": [{"dose_mg": -5, "every_h": 8}]}, "oral[0]: dose_mg = -5 is out of range"),
    ({"version": 1, "oral": [{"dose_mg": 0, "every_h": 8}]}, "dose_mg = 0 is out of range"),
    ({"version": 1, "oral": [{"dose_mg": "20"}]}, 'dose_mg must be a number, got "20"'),
    ({"version": 1, "oral": [{"dose_mg": True}]}, "dose_mg must be a number"),
    ({"version": 1, "oral": [{"dose_mg": 20, "every_hours": 8}]}, "oral[0]: unknown key 'every_hours'"),
    ({"version": 1, "oral": [{"mg": 20}]}, "oral[0]: cannot tell what this entry is"),
    ({"version": 1, "oral": [{"kind": "patch", "dose_mg": 2}]}, "unknown kind 'patch'"),
    ({"version": 1, "oral": [{"dose_mg": 20, "every_h": 8, "start_h": 10, "stop_h": 5}]}, "stop_h must be after"),
    ({"version": 1, "oral": {"dose_mg": 20}}, "oral: expected a list"),
    ({"version": 1, "intrathecal": [{"rate_ug_per_day": 1e9}]}, "rate_ug_per_day = 1e+09 is out of range"),
    ({"version": 1, "intrathecal": [{"bolus_ug": 50, "at_h": -1}]}, "at_h = -1 is out of range"),
    ({"version": 1, "intrathecal": [{"kind": "flex", "schedule": []}]}, "schedule must be a list of 1 to 13"),
    (
        {"version": 1, "intrathecal": [{"kind": "flex", "schedule": [{"clock_h": 25, "rate_ug_per_day": 1}]}]},
        "clock_h = 25 is out of range",
    ),
    (
        {"version": 1, "intrathecal": [{"kind": "titration", "from_ug_per_day": 400, "target_ug_per_day": 100}]},
        "use a taper to go down",
    ),
    (
        {
            "version": 1,
            "intrathecal": [{"kind": "taper", "from_ug_per_day": 400, "step_percent": 10, "step_ug_per_day": 50}],
        },
        "not both",
    ),
    ({"version": 1, "patient": {"weight_kg": 500}}, "patient: weight_kg = 500 is out of range"),
    ({"version": 1, "patient": {"crcl_ml_per_min": -3}}, "crcl_ml_per_min = -3 is out of range"),
    ({"version": 1, "patient": {"age_y": 1}}, "age_y = 1 is out of range"),
    ({"version": 1, "patient": {"comedication": "caffeine"}}, "comedication must be one of"),
    ({"version": 1, "patient": {"height_cm": 170}}, "patient: unknown key 'height_cm'"),
    ({"version": 1, "duration_h": 24 * 365}, "duration_h = 8760 is out of range"),
    ({"version": 1, "duration_h": 0}, "duration_h = 0 is out of range"),
    ({"version": 1, "duration_h": 2000, "output_step_min": 1}, "at most 100000"),
    ({"version": 1, "prior_therapy_days": 1000}, "prior_therapy_days = 1000 is out of range"),
    ({"version": 1, "pump": {"concentration_ug_per_ml": 500}}, "pump: missing required key 'reservoir_ml'"),
    ({"version": 1, "failure": {"at_h": 10, "restart_h": 5}}, "restart_h must be after at_h"),
    ({"version": 1, "parameters": {"ka_per_h": -1}}, "parameters: parameter ka_per_h = -1 is outside"),
    ({"version": 1, "parameters": {"warp": 1}}, "unknown parameter 'warp'"),
    ({"version": 1, "title": 5}, "title must be a string"),
    ([1, 2], "a scenario is a JSON object"),
]


@pytest.mark.parametrize(("data", "message"), BAD)
def test_bad_scenarios_give_one_clear_line(data, message):
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data)
    text = str(err.value)
    assert message in text
    assert "\n" not in text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"version": 1, "oral": [{"dose_mg": NaN}]}', "NaN is not a number JSON allows"),
        ('{"version": 1, "oral": [{"dose_mg": Infinity}]}', "Infinity is not a number JSON allows"),
        ('{"version": 1, "oral": [{"dose_mg": 1e999}]}', "dose_mg must be finite"),
        ('{"version": 1, ', "not valid JSON"),
        ("[" * 100000, "not valid JSON"),
        ("x" * (MAX_FILE_BYTES + 1), "larger than"),
        (b"\xff\xfe\x00", "not valid JSON"),
    ],
)
def test_bad_files_give_one_clear_line(text, message):
    with pytest.raises(ScenarioError) as err:
        scenario_from_json(text)
    assert message in str(err.value)


EVERY_KIND = Scenario(
    duration_h=240,
    output_step_min=10,
    patient=Patient(35, 12, 60),
    baseline_ashworth=3.5,
    comedication="benzodiazepine",
    comedication_intensity=0.5,
    prior_therapy_days=30,
    oral=(
        OralDoses(20, 8, 0, 48),
        OralDoses(5, None, 100),
        OralTitration(60, start_h=24),
        OralTaper(20, 8, 20, None, 3, 48, 10),
        OralTaper(10, 12, None, 2.5, 2, 96, 10),
    ),
    intrathecal=(
        ITBolus(50, 1),
        ITContinuous(300, 0, 24),
        ITFlex(((0, 200), (8, 400)), 24, 96),
        ITTitration(100, 300, 15, 24, 96),
        ITTaper(300, 10, None, 3, 150, 5),
    ),
    pump=Pump(2000, 20, -24, 2),
    failure=Failure(200, 210),
    parameters=(("ka_per_h", 2.0),),
    title="all kinds",
)


def test_every_kind_round_trips_through_json():
    again = scenario_from_json(scenario_to_json(EVERY_KIND))
    assert again == EVERY_KIND
    assert json.loads(scenario_to_json(again)) == scenario_to_dict(EVERY_KIND)
    simulate(again)  # and it runs


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=5),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=20,
    )
)
def test_random_json_never_escapes_as_another_exception(data):
    for candidate in (
        data,
        {"version": 1, "oral": [data]},
        {"version": 1, "patient": data},
        {"version": 1, "intrathecal": data},
    ):
        message = ""
        try:
            parse_scenario(candidate)
        except ScenarioError as exc:
            message = str(exc)
        assert "\n" not in message


# ------------------------------------------------------------------------- objects built in code


@pytest.mark.parametrize(
    ("build", "data", "message"),
    [
        (lambda: OralDoses(-5, 8), {"oral": [{"dose_mg": -5, "every_h": 8}]}, "dose_mg = -5 is out of range"),
        (lambda: OralDoses(20, 0.1), {"oral": [{"dose_mg": 20, "every_h": 0.1}]}, "every_h = 0.1 is out of range"),
        (lambda: ITContinuous(1e9), {"intrathecal": [{"rate_ug_per_day": 1e9}]}, "rate_ug_per_day = 1e+09 is out"),
        (lambda: ITBolus(float("nan")), None, "bolus_ug must be finite"),
        (lambda: OralDoses("20"), {"oral": [{"dose_mg": "20"}]}, 'dose_mg must be a number, got "20"'),
        (
            lambda: ITFlex(((0.0, 100.0), (0.0, 200.0))),
            {
                "intrathecal": [
                    {
                        "kind": "flex",
                        "schedule": [{"clock_h": 0, "rate_ug_per_day": 1}, {"clock_h": 0, "rate_ug_per_day": 2}],
                    }
                ]
            },
            "schedule has two steps at the same clock_h",
        ),
        (
            lambda: ITFlex(((24.0, 100.0),)),
            {"intrathecal": [{"kind": "flex", "schedule": [{"clock_h": 24, "rate_ug_per_day": 1}]}]},
            "schedule[0]: clock_h must be below 24",
        ),
        (lambda: Pump(500, -1), {"pump": {"concentration_ug_per_ml": 500, "reservoir_ml": -1}}, "reservoir_ml = -1"),
        (lambda: Patient(weight_kg=500), {"patient": {"weight_kg": 500}}, "weight_kg = 500 is out of range"),
        (lambda: Scenario(duration_h=0), {"duration_h": 0}, "duration_h = 0 is out of range"),
        (lambda: Scenario(output_step_min=0.5), {"output_step_min": 0.5}, "output_step_min = 0.5 is out of range"),
        (lambda: Scenario(comedication="caffeine"), {"patient": {"comedication": "caffeine"}}, "comedication must be"),
        (lambda: Scenario(parameters=(("ka_per_h", -1.0),)), {"parameters": {"ka_per_h": -1}}, "ka_per_h = -1"),
        (lambda: Scenario(duration_h=2000, output_step_min=1), {"duration_h": 2000, "output_step_min": 1}, "100000"),
    ],
)
def test_objects_built_in_code_fail_like_a_file(build, data, message):
    """A negative dose (or any out-of-range value) cannot get into a scenario from code either, and the line
    says the same as for a file (the file adds where the entry is)."""
    with pytest.raises(ScenarioError) as in_code:
        build()
    assert message in str(in_code.value)
    assert "\n" not in str(in_code.value)
    if data is not None:
        with pytest.raises(ScenarioError) as in_file:
            parse_scenario({"version": 1, **data})
        assert message in str(in_file.value)
        assert str(in_file.value).endswith(in_code.value.msg)


def test_scenario_holds_only_regimens_of_its_route():
    with pytest.raises(ScenarioError, match=r"oral\[0\]: ITContinuous is not an oral regimen"):
        Scenario(oral=(ITContinuous(400),))
    with pytest.raises(ScenarioError, match="intrathecal"):
        Scenario(intrathecal=(OralDoses(20, 8),))


def test_times_may_run_before_zero_in_code_but_not_in_a_file():
    """Therapy under way at time 0 is shifted back for the prior-therapy stretch (negative start times); a file
    may only name times inside the run."""
    assert OralDoses(20, 8, -240.0).start_h == -240.0
    with pytest.raises(ScenarioError, match="start_h = -240 is out of range"):
        parse_scenario({"version": 1, "oral": [{"dose_mg": 20, "every_h": 8, "start_h": -240}]})


@pytest.mark.parametrize(
    ("hours", "step"), [(1, 5.0), (24 * 8, 5.0), (24 * 8 + 1, 15.0), (24 * 40, 15.0), (24 * 41, 30.0), (2880, 30.0)]
)
def test_default_output_grid_gets_coarser_with_the_run(hours, step):
    assert default_output_step_min(hours) == step
    assert round(hours * 60 / step) + 1 <= MAX_POINTS
