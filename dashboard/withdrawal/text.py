"""What the Withdrawal & tapering page explains in words: why withdrawal happens, and what to notice in a run
(pure functions of the plan and the withdrawal course, no Streamlit)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dashboard import format as fmt
from dashboard.withdrawal.scenarios import WithdrawalPlan, taper_regimen
from pkmodels.withdrawal import WithdrawalCourse

__all__ = ["WHY", "notice"]

WHY = """
**Why withdrawal happens.** Baclofen stimulates GABA-B receptors, which calm nerve cells in the spinal cord
and the brain. Over days the nervous system pushes back: receptors are down-regulated and counter-regulation
builds up (the *adaptation* curve). It follows the drug slowly, with a time constant of days. When the drug
falls away faster than the adaptation can reverse, the counter-regulation is left **unopposed** and the
nerve cells become over-excitable: that gap is the withdrawal drive.

**Why intrathecal withdrawal is faster and worse.** The pump puts the drug straight into the lumbar
cerebrospinal fluid (CSF). Stop it and lumbar CSF falls within hours (CSF half-life 1-5 h), while the spinal
receptors, used to high concentrations, are highly adapted. Result: rebound spasticity, itching, fast heart
rate, then fever, rigidity and muscle breakdown - a medical emergency in its severe stages.

**Why oral withdrawal is mostly supraspinal.** Oral baclofen crosses the blood-brain barrier poorly: the
spinal fluid sees about a tenth of plasma, so the spinal cord adapts little. The brain, exposed through the
blood, adapts more: stopping tablets shows mainly as anxiety, hallucinations, confusion and seizures.

**Timing.** Symptoms begin 12-72 h after a stop or a cut and evolve over 1-3 days (Coffey 2002; Spinal
Cord 2009). **Restarting the pump reverses it**: the drug comes back within hours, faster than adaptation
can change. **Oral cover only partly helps** an intrathecal stop: oral doses raise lumbar CSF very little.
**Tapering keeps it mild**: steps of 10-20 % of the current dose every few days (oral: over 1-3 weeks) remove
a little stimulation at a time, and adaptation has days to follow each step.

*The severity index and its stages are a teaching assumption: no study quantifies withdrawal severity; only
the timing windows and episode rates are data.*
"""


def notice(plan: WithdrawalPlan, c: WithdrawalCourse, v: Mapping[str, Any]) -> str:
    """The sentence under the timelines: what to look at, and the mechanism behind it."""
    peak = fmt.hours(c.time_to_peak_h, "-")
    site = "spinal cord" if c.dominant_site == "spinal" else "brain"
    if plan.ending == "taper":
        last = taper_regimen(v).last_level_percent
        where = (
            f"the run peaks at **{c.peak_stage_name}**, {peak} after the first step"
            if c.peak_stage
            else "severity stays at **none** throughout"
        )
        return (
            f"**What to notice:** each step lowers the drug level within hours, and adaptation follows within "
            f"days, so the unopposed counter-regulation stays small: {where}. The last step (from {last:.0f} % "
            "of the starting dose to nothing) is where any remaining withdrawal shows."
        )
    falls = [
        f"{name} falls to a tenth of its level within **{fmt.hours(h)}**"
        for name, h in (("lumbar CSF", c.lumbar_tenth_h), ("plasma", c.plasma_tenth_h))
        if h is not None
    ]
    drug = " and ".join(falls) if falls else "the drug levels stay up"
    return (
        f"**What to notice:** after {plan.end_words}, {drug}, but adaptation takes days to reverse. While "
        "adaptation is still high and the drug is gone, the counter-regulation is unopposed and severity "
        f"climbs; it peaks **{peak}** after the end, mostly at the **{site}**. Spasticity relief falls at the "
        "same time: rebound spasticity."
    )
