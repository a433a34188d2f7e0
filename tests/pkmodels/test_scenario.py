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
    individual_params,
    parse_scenario,
    scenario_from_json,
    simulate,
)
from pkmodels.neuraxis import LEVEL_CM
from pkmodels.scenario import (
    MAX_DURATION_H,
    MAX_FILE_BYTES,
    MAX_POINTS,
    MAX_PRIOR_DAYS,
    default_output_step_min,
    scenario_to_dict,
    scenario_to_json,
)

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
    ({"version": 1, "duration_h": 24 * 731}, "duration_h = 17544 is out of range"),  # at most two years
    ({"version": 1, "duration_h": 0}, "duration_h = 0 is out of range"),
    ({"version": 1, "duration_h": 2000, "output_step_min": 1}, "at most 100000"),
    ({"version": 1, "prior_therapy_days": 731}, "prior_therapy_days = 731 is out of range"),  # at most 730 days
    ({"version": 1, "catheter_tip": "T99"}, "catheter_tip must be a vertebral level, one of L4, L3, L2, L1, T12"),
    ({"version": 1, "catheter_tip": "L5"}, "catheter_tip must be a vertebral level"),  # below L4: not a tip
    ({"version": 1, "catheter_tip": 10}, "catheter_tip must be a vertebral level"),
    ({"version": 1, "catheter_tip": "t10"}, 'got "t10"'),
    ({"version": 1, "patient": {"sex": "other"}}, "patient: sex must be one of male, female"),
    ({"version": 1, "patient": {"serum_creatinine_mg_per_dl": 20}}, "serum_creatinine_mg_per_dl = 20 is out of range"),
    ({"version": 1, "patient": {"baseline_ashworth_upper_limb": 5}}, "baseline_ashworth_upper_limb = 5 is out"),
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
    patient=Patient(35, 12, 60, "female", 0.6),
    baseline_ashworth=3.5,
    baseline_ashworth_upper_limb=2.0,
    catheter_tip="T6",
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
        (lambda: Scenario(catheter_tip="T99"), {"catheter_tip": "T99"}, "catheter_tip must be a vertebral level"),
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


def test_catheter_tip_error_lists_every_allowed_level_on_one_line():
    with pytest.raises(ScenarioError) as err:
        parse_scenario({"version": 1, "catheter_tip": "T99"})
    text = str(err.value)
    assert "\n" not in text
    assert text.endswith('got "T99"')
    listed = text.split("one of ", 1)[1].split(";")[0].split(", ")
    lumbar, thoracic = [f"L{k}" for k in range(4, 0, -1)], [f"T{k}" for k in range(12, 0, -1)]
    cervical = [f"C{k}" for k in range(7, 1, -1)]  # C7 up to C2
    assert listed == [*lumbar, *thoracic, *cervical]


@pytest.mark.parametrize("tip", ["L4", "L1", "T12", "T10", "T6", "T1", "C7", "C5", "C2"])
def test_every_catheter_level_is_accepted_and_sets_the_tip(tip):
    s = parse_scenario({"version": 1, "catheter_tip": tip, "intrathecal": [{"rate_ug_per_day": 100}]})
    assert s.catheter_tip == tip
    assert scenario_from_json(scenario_to_json(s)).catheter_tip == tip
    assert individual_params(s).catheter_tip_cm == LEVEL_CM[tip]


def test_tip_defaults_to_t10():
    assert parse_scenario({"version": 1}).catheter_tip == "T10"
    assert Scenario().catheter_tip == "T10"


def test_patient_sex_creatinine_and_upper_limb_are_read():
    s = parse_scenario(
        {
            "version": 1,
            "patient": {
                "sex": "female",
                "age_y": 70,
                "serum_creatinine_mg_per_dl": 1.4,
                "baseline_ashworth": 3,
                "baseline_ashworth_upper_limb": 1.5,
            },
        }
    )
    assert s.patient == Patient(70.0, 70.0, None, "female", 1.4)
    assert s.pd_settings.baseline_ashworth == 3.0
    assert s.pd_settings.upper_limb_baseline == 1.5
    # Cockcroft-Gault: (140 - 70) x 70 / (72 x 1.4) x 0.85 for a woman
    assert s.patient.crcl == pytest.approx((140 - 70) * 70 / (72 * 1.4) * 0.85)
    assert scenario_from_json(scenario_to_json(s)) == s


def test_longest_run_and_prior_therapy_are_accepted():
    s = parse_scenario({"version": 1, "duration_h": 24 * 730, "output_step_min": 15, "prior_therapy_days": 730})
    assert s.duration_h == MAX_DURATION_H == 24 * 730
    assert s.prior_therapy_days == MAX_PRIOR_DAYS == 730


def test_sex_is_checked_in_code_too():
    with pytest.raises(ScenarioError, match="patient: sex must be one of male, female"):
        Patient(sex="x")


def test_a_bad_sex_fails_in_the_same_words_in_code_and_in_a_file():
    with pytest.raises(ScenarioError) as in_code:
        Patient(sex="x")
    with pytest.raises(ScenarioError) as in_file:
        parse_scenario({"version": 1, "patient": {"sex": "x"}})
    assert str(in_file.value).endswith(in_code.value.msg)
