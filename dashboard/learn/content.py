"""What the Learn page teaches, as data: topics, short paragraphs, points, and the views that show them.

Written in our own words from the seed documents (../shared/seeds): mechanism, indications, the two routes,
side effects, interactions and safe use; the parts of a topic are in :mod:`dashboard.learn.topic`.  No
Streamlit here, so the tests read it directly.
"""

from __future__ import annotations

from dashboard.learn.topic import Link, Point, Section, Topic, see

__all__ = ["MECHANISM_DOT", "TOPICS", "all_links"]


# The synapse sketch of the Mechanism topic (our own drawing of the two brakes), Graphviz DOT.
MECHANISM_DOT = """digraph mechanism {
  rankdir=LR; nodesep=0.25; ranksep=0.35;
  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11, color="#555555", fillcolor="#F3F5F8"];
  edge [color="#555555", fontname="Helvetica", fontsize=10];
  baclofen [label="Baclofen\\n(GABA look-alike)", fillcolor="#D6E9F5", color="#0072B2"];
  subgraph cluster_pre { label="Before the synapse (presynaptic ending)"; fontname="Helvetica"; fontsize=11;
    color="#BBBBBB"; gbpre [label="GABA-B receptor\\n(G-protein)"];
    ca [label="Ca²⁺ channels close:\\nless Ca²⁺ enters"];
    glu [label="Less excitatory\\ntransmitter released"]; gbpre -> ca -> glu; }
  subgraph cluster_post { label="After the synapse (motor neuron)"; fontname="Helvetica"; fontsize=11;
    color="#BBBBBB"; gbpost [label="GABA-B receptor\\n(G-protein)"]; k [label="K⁺ channels open:\\nK⁺ flows out"];
    hyp [label="Hyperpolarised:\\nharder to fire"]; gbpost -> k -> hyp; }
  reflex [label="Mono- and polysynaptic\\nspinal reflexes damped", fillcolor="#DDF0E8", color="#009E73"];
  tone [label="Lower muscle tone,\\nfewer spasms", fillcolor="#DDF0E8", color="#009E73"];
  baclofen -> gbpre; baclofen -> gbpost; glu -> reflex; hyp -> reflex; reflex -> tone;
}"""

TOPICS: tuple[Topic, ...] = (
    Topic(
        "mechanism",
        "How baclofen works",
        ":material/neurology:",
        "Baclofen imitates GABA, the nervous system's main braking signal, at one receptor type (GABA-B), and so "
        "quietens the overactive reflexes of the spinal cord.",
        (
            Section(
                "A different kind of GABA receptor",
                "Baclofen is a small derivative of GABA (gamma-aminobutyric acid). It switches on GABA-B "
                "receptors and leaves the other GABA receptors alone.",
                (
                    Point(
                        "**GABA-A and GABA-C** receptors are themselves channels: GABA opens them and chloride "
                        "ions pass. **GABA-B** is built differently: it is a **G-protein-coupled receptor**, "
                        "which acts indirectly by changing calcium and potassium channels nearby."
                    ),
                ),
            ),
            Section(
                "Two brakes at one synapse",
                "The same receptor slows nerve traffic on both sides of the junction between two nerve cells.",
                (
                    Point(
                        "**Before the synapse:** less **calcium (Ca²⁺)** flows into the nerve ending, so it "
                        "releases less excitatory transmitter."
                    ),
                    Point(
                        "**After the synapse:** more **potassium (K⁺)** channels open, K⁺ leaves the cell, "
                        "and its membrane becomes more negative (**hyperpolarised**), so it fires less "
                        "readily."
                    ),
                    Point(
                        "Together these damp the **monosynaptic** (stretch) and **polysynaptic** reflexes "
                        "of the spinal cord: muscle tone falls and spasms become rarer.",
                        (see("compare", "Compare routes: relief follows the spinal fluid level", it_ug=600),),
                    ),
                ),
            ),
            Section(
                "Where it acts, and why the route matters",
                "GABA-B receptors are most plentiful in the **cerebral cortex** and in the **dorsal horn** of "
                "the spinal cord.",
                (
                    Point(
                        "It helps most when the spasticity comes from **spinal cord disease**, because the "
                        "overactive reflex loops sit in the cord where the drug acts. Spasticity after a "
                        "stroke or other **brain** injury responds less well.",
                        (see("pump", "Pump: titration for cerebral origin (smaller steps)", origin="cerebral"),),
                    ),
                    Point(
                        "Tablets must reach the cord from the blood, across barriers that let little through: "
                        "spinal fluid sees only about a tenth of the plasma level. A pump puts the drug into "
                        "the spinal fluid directly.",
                        (
                            see("compare", "Compare routes: plasma vs spinal fluid"),
                            see("model", "Model & validation: the compartments and their flows"),
                        ),
                    ),
                    Point(
                        "Receptors in the brain explain the drowsiness of oral therapy, which fills the "
                        "blood and so reaches the brain.",
                        (
                            see(
                                "compare",
                                "Compare routes: 80 mg/day orally, watch sedation",
                                oral_mg=20,
                                oral_per_day=4,
                            ),
                        ),
                    ),
                ),
            ),
        ),
        "One receptor, two brakes (less transmitter released, a less excitable neuron); it works best where the "
        "reflexes live, in the spinal cord.",
        sketch=MECHANISM_DOT,
    ),
    Topic(
        "indications",
        "What it is used for",
        ":material/clinical_notes:",
        "Mainly spasticity from diseases of the spinal cord and nervous system; intrathecal therapy also helps "
        "dystonia, especially in children.",
        (
            Section(
                "FDA-approved: spasticity",
                "Spasticity means stiff, tight muscles, spasms and long involuntary contractions, often painful. "
                "Baclofen eases it when the cause is:",
                (
                    Point(
                        "**Multiple sclerosis**, where it is a first-line choice against spasms, tightness and clonus.",
                        (see("compare", "Compare routes: severe spasticity (Ashworth 4)", ashworth=4),),
                    ),
                    Point("**Spinal cord injury**: stiffness and spasms below the level of the lesion."),
                    Point(
                        "**Other spinal cord diseases**: tumours, syringomyelia, amyotrophic lateral "
                        "sclerosis (ALS), motor neuron disease, transverse myelitis, traumatic cord injury; "
                        "spasticity in cerebral palsy is treated too."
                    ),
                ),
            ),
            Section(
                "Dystonia",
                "Dystonia is sustained, involuntary muscle contraction that twists the body into repeated or "
                "fixed abnormal postures.",
                (
                    Point(
                        "The clearest benefit is in **children** (for example cerebral palsy with dystonia "
                        "and spasticity) treated **intrathecally**, with fewer side effects than by mouth.",
                        (
                            see(
                                "population",
                                "Population: children on intrathecal therapy",
                                route="intrathecal",
                                age=8,
                                weight=25,
                            ),
                        ),
                    ),
                ),
            ),
            Section(
                "Off-label uses (not approved for these)",
                "Used on the basis of studies and expert opinion; this model does not cover them.",
                (
                    Point(
                        "**Alcohol use disorder**: studied to reduce craving and drinking; the results "
                        "disagree and the use remains experimental."
                    ),
                    Point("**Trigeminal neuralgia**: an add-on (adjuvant) for this facial pain."),
                    Point(
                        "**Gastro-oesophageal reflux (GERD)**: it reduces the brief, spontaneous "
                        "relaxations of the lower oesophageal sphincter (TLESRs) that let acid rise."
                    ),
                ),
            ),
        ),
        "Spinal spasticity (MS, cord injury, other cord diseases) is the core use; off-label uses are outside "
        "this model.",
    ),
    Topic(
        "routes",
        "Oral vs intrathecal",
        ":material/compare_arrows:",
        "The same molecule behaves like two different treatments: tablets expose the whole body, a pump treats "
        "the spinal cord almost alone.",
        (
            Section(
                "The comparison, row by row",
                "Each row of the usual comparison table, with the view that shows it.",
                (
                    Point(
                        "**Targeting.** Oral: from the blood, acting on spinal reflexes but also depressing "
                        "the whole central nervous system. Intrathecal: delivered into the spinal fluid, right "
                        "at the cord's receptors.",
                        (see("compare", "Compare routes: where the drug goes"),),
                    ),
                    Point(
                        "**Efficacy.** Oral relief is often limited because little drug crosses into the "
                        "spinal fluid, and pushing the dose up raises side effects. Intrathecal therapy reaches "
                        "effective spinal fluid levels with very little drug in the blood.",
                        (
                            see("compare", "Compare routes: double the tablets", oral_mg=40),
                            see("population", "Population: the oral dose that would match a pump", eq_ug=400),
                        ),
                    ),
                    Point(
                        "**Where the catheter ends matters.** Pump drug enters the spinal fluid at the catheter "
                        "tip and thins out along the canal, so a tip at the lower thoracic spine treats mainly "
                        "the legs, and a higher tip (mid-thoracic or cervical) treats the arms too, at the same "
                        "daily dose.",
                        (
                            see("pump", "Pump: move the catheter tip", tip="C5"),
                            see("compare", "Compare routes: a cervical tip", tip="C5"),
                            see("lecture", "Lecture: why the tip level matters for the arms", scene="catheter-tip"),
                        ),
                    ),
                    Point(
                        "**Administration.** Oral: tablets, liquid or granules, several times a day. "
                        "Intrathecal: a surgically implanted pump and catheter, refilled and programmed.",
                        (
                            see("compare", "Compare routes: flex pump program", it_mode="flex"),
                            see("pump", "Pump & titration: reservoir and programming"),
                        ),
                    ),
                    Point(
                        "**Side effects.** Oral: drowsiness, dizziness and confusion are common, following "
                        "the plasma level. Intrathecal: fewer of these; the risks come from surgery, infection, "
                        "the catheter, and dosing or programming errors.",
                        (see("pump", "Pump: a ten-fold programming error", error=1),),
                    ),
                    Point(
                        "**Withdrawal risk.** Stopping tablets abruptly can cause hallucinations and "
                        "seizures, usually less severe. Stopping the pump abruptly is an emergency: rebound "
                        "spasticity, high fever, even multi-organ failure.",
                        (
                            see("withdrawal", "Withdrawal: oral stop", route="oral", ending="abrupt"),
                            see("withdrawal", "Withdrawal: pump stop", route="intrathecal", ending="abrupt"),
                        ),
                    ),
                    Point(
                        "**Who it suits.** Oral: mild to moderate spasticity, or no need for a pump. "
                        "Intrathecal: severe spasticity, whether it starts in the cord or in the brain, that "
                        "tablets fail to control or whose oral side effects cannot be tolerated.",
                        (see("lecture", "Lecture: scenes for a class"),),
                    ),
                ),
            ),
        ),
        "Oral = systemic drug, small spinal share; intrathecal = spinal drug, tiny systemic share, but a device "
        "whose failure is dangerous.",
    ),
    Topic(
        "side_effects",
        "Side effects",
        ":material/warning:",
        "Most side effects depend on the dose and are more frequent with tablets; withdrawal, overdose and "
        "combined CNS depression are the dangerous ones.",
        (
            Section(
                "Common",
                "Usually dose-related and often fading as the body adjusts.",
                (
                    Point(
                        "**Drowsiness and sedation**: the most frequent effect, reported in up to about "
                        "**65 %** of patients; also **weakness** and **dizziness**.",
                        (see("compare", "Compare routes: 80 mg/day orally", oral_mg=20, oral_per_day=4),),
                    ),
                    Point(
                        "**Nausea** in roughly **4-12 %**, typically when starting or after a dose increase, "
                        "for about **2-3 days**; **constipation**."
                    ),
                    Point("**Headache**, **confusion**, **trouble sleeping**, **passing urine often**."),
                ),
            ),
            Section(
                "Serious",
                "Rare, but these are the reasons for close supervision.",
                (
                    Point(
                        "**Withdrawal** after a sudden stop, worst with the pump: rebound spasticity, high "
                        "fever, seizures, confusion (altered mental state), rigid muscles, muscle breakdown "
                        "(rhabdomyolysis) and, at worst, multi-organ failure.",
                        (see("withdrawal", "Withdrawal: pump stop", route="intrathecal", ending="abrupt"),),
                    ),
                    Point(
                        "**Overdose**: extreme drowsiness, shallow breathing, seizures, coma, floppy weakness.",
                        (
                            see("pump", "Pump: a ten-fold programming error", error=1),
                            see("population", "Population: severe kidney disease (the drug accumulates)", ckd="severe"),
                        ),
                    ),
                    Point(
                        "**CNS depression with other depressants**: dangerously low blood pressure, slowed "
                        "breathing, coma.",
                        (see("compare", "Compare routes: with an opioid", comed="opioid", comed_x=1.5),),
                    ),
                ),
            ),
        ),
        "Expect drowsiness with tablets; fear the sudden stop, the overdose and the combination with other sedatives.",
    ),
    Topic(
        "interactions",
        "Interactions",
        ":material/medication:",
        "Anything else that slows the brain adds to baclofen's sedation, sometimes dangerously.",
        (
            Section(
                "Avoid combining with",
                "Each adds its own central nervous system depression to baclofen's.",
                (
                    Point(
                        "**Alcohol**: more drowsiness and dizziness, worse coordination.",
                        (see("compare", "Compare routes: with alcohol", comed="alcohol"),),
                    ),
                    Point(
                        "**Opioids**: extreme sedation and **respiratory depression**, which can be fatal.",
                        (see("compare", "Compare routes: with an opioid", comed="opioid", comed_x=1.5),),
                    ),
                    Point(
                        "**Benzodiazepines** such as alprazolam (Xanax) or lorazepam (Ativan): additive or "
                        "even synergistic sedation, with breathing problems.",
                        (see("compare", "Compare routes: with a benzodiazepine", comed="benzodiazepine"),),
                    ),
                    Point(
                        "**Sleep medicines**: excessive sleepiness and poor coordination.",
                        (see("compare", "Compare routes: with a sleep medicine", comed="sleep_medicine"),),
                    ),
                    Point(
                        "**Some antihistamines and cough suppressants** also sedate. The model has no "
                        "separate setting for them; a sleep medicine at low intensity gives the idea.",
                        (see("compare", "Compare routes: a mild extra sedative", comed="sleep_medicine", comed_x=0.5),),
                    ),
                ),
            ),
            Section(
                "Tell the doctor and pharmacist",
                "Interactions are prevented by a complete medicines list.",
                (
                    Point(
                        "Include **every** medicine: prescribed, **over-the-counter** and **herbal** products.",
                        (see("model", "Model & validation: how co-medication is modelled (an assumption)"),),
                    ),
                ),
            ),
        ),
        "Sedatives add up; with opioids or benzodiazepines the risk is breathing, not just sleepiness.",
    ),
    Topic(
        "management",
        "Using it safely",
        ":material/health_and_safety:",
        "Start low, go slow, watch for tolerance and sedation, and never stop suddenly.",
        (
            Section(
                "Starting and adjusting",
                "Side effects are fewer when the body is given time to adjust.",
                (
                    Point(
                        "**Titration**: begin with a low dose and raise it step by step over several weeks. "
                        "With a pump: a test (screening) bolus, then small daily increases.",
                        (see("pump", "Pump & titration: screening bolus and titration", titr_pct=20, origin="spinal"),),
                    ),
                    Point(
                        "**Monitoring**: over long use, watch for **tolerance** (the same dose does less), "
                        "**dependence** and **changes in thinking** (cognition).",
                        (
                            see(
                                "withdrawal",
                                "Withdrawal: adaptation after months on the pump",
                                route="intrathecal",
                                days_on=90,
                                ending="abrupt",
                            ),
                        ),
                    ),
                    Point(
                        "**Kidney function**: baclofen leaves mostly in the urine, so poor kidneys let it build up.",
                        (see("population", "Population: severe kidney disease", ckd="severe"),),
                    ),
                ),
            ),
            Section(
                "Everyday safety",
                "Practical rules that follow from the sedation and the blood-pressure effects.",
                (
                    Point(
                        "**Hydration and blood pressure**: drink enough; blood pressure can change, "
                        "especially together with diuretics (this model does not include blood pressure)."
                    ),
                    Point(
                        "**No driving or heavy machinery** until it is clear how the medicine affects you.",
                        (see("compare", "Compare routes: sedation on usual oral doses"),),
                    ),
                ),
            ),
            Section(
                "Stopping",
                "Withdrawal is the most dangerous moment of baclofen therapy.",
                (
                    Point(
                        "**Never stop suddenly.** A doctor supervises a gradual **taper**: the dose comes "
                        "down in steps over days to weeks.",
                        (
                            see("withdrawal", "Withdrawal: oral taper", route="oral", ending="taper"),
                            see("withdrawal", "Withdrawal: pump taper", route="intrathecal", ending="taper"),
                            see(
                                "withdrawal",
                                "Withdrawal: abrupt pump stop, for contrast",
                                route="intrathecal",
                                ending="abrupt",
                            ),
                        ),
                    ),
                ),
            ),
        ),
        "Low and slow in, low and slow out; sedation and kidney function set the limits.",
    ),
)


def all_links() -> list[tuple[str, Link]]:
    """(topic slug, link) for every link on the page."""
    return [(t.slug, lk) for t in TOPICS for s in t.sections for p in s.points for lk in p.links]
