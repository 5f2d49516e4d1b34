"""The demo course loaded by ``manage.py load_demo``.

"Leadership in Medicine: The Post-USMLE Journey" is a six-module course for residents, physicians
and nurses who have recently finished licensure and are stepping into leadership. It grows out of
"Fostering Leadership in Medicine: The Post-USMLE Journey": continuous learning, communication,
team collaboration, ethics, healthcare management, mentorship and medical education.

This module is pure data. ``COURSE`` holds the course, its modules (in order), their lessons
(Markdown bodies) and one single-choice quiz per module. Exactly one choice per question is
correct, and every choice carries feedback.
"""

from typing import Any

_CONTINUOUS_LEARNING = {
    "slug": "continuous-learning",
    "title": "Continuous Learning After the USMLE",
    "summary": (
        "Move from exam-driven study to practice-driven learning: question your own practice, "
        "find and appraise answers efficiently, and build habits that keep you growing as a "
        "clinician and a leader."
    ),
    "competencies": ["practice_based_learning", "professionalism"],
    "required": False,
    "lessons": [
        {
            "slug": "from-exam-to-practice",
            "title": "From Exam Preparation to Lifelong Learning",
            "minutes": 15,
            "body": """## The learning problem changes after licensure

For years your learning had a clear target: a content outline, a question bank, a score. Licensing
examinations reward recall and pattern recognition under time pressure. Practice asks for something
different. Its questions are not written for you; they arise at the bedside, are often poorly
defined, and rarely have one best answer. No one publishes the blueprint, and feedback on your
decisions (a patient's outcome) may arrive weeks later or never reach you at all.

Lifelong learning is therefore not "more studying". It is a set of habits that let you notice what
you do not know, close the gap efficiently, and check whether your practice actually changed.

## Adults learn from problems and experience

Malcolm Knowles' description of adult learning fits clinicians well: adults learn best when they
understand why something matters, when they can build on their own experience, and when learning is
organized around real problems rather than subjects. David Kolb's experiential learning cycle
describes how experience becomes learning:

- **Concrete experience**: something happens (a difficult admission, a near miss, a good outcome).
- **Reflective observation**: you look back at what happened and how you responded.
- **Abstract conceptualization**: you connect it to principles, evidence or a new mental model.
- **Active experimentation**: you try the new approach next time, which creates the next
  experience.

Donald Schön distinguished *reflection-in-action* (adjusting while a situation unfolds) from
*reflection-on-action* (reviewing it afterwards). Both matter; the second is where most deliberate
improvement is planned.

## Why self-assessment is not enough

A systematic review of physician self-assessment (Davis and colleagues, *JAMA*, 2006) found that
physicians' self-ratings generally agreed poorly with external measures of their competence, and
that some of the least accurate self-assessments came from the least skilled and the most confident
physicians. The lesson is not that your judgment is worthless, but that it needs outside data.
*Informed self-assessment* combines your own perceptions with external sources:

- feedback from colleagues, supervisors, nurses and patients;
- audit of your own cases against a guideline or protocol;
- quality and safety data for the patients you care for;
- direct observation of your performance.

## Clinical vignette

Dr. Amara Osei, a PGY-1 in internal medicine, notices that overnight nurses often page her to
clarify potassium replacement orders for patients with reduced kidney function. Rather than
treating each page as an interruption, she keeps a short log for two weeks. The pattern is clear:
she is ordering standard replacement doses without adjusting for renal function or planning when to
recheck the level. She reviews her hospital's electrolyte protocol, asks the unit pharmacist to
walk her through common errors, and writes one learning goal. A month later she asks her senior
resident to review a sample of her orders. The pages have become rarer, and she now teaches the
approach to new interns.

## Apply it

- Name one recurring moment in your work that leaves you uncertain.
- Decide what external information (data, observation or feedback) would tell you how you are
  actually performing there.
- After your next difficult shift, schedule ten minutes of reflection-on-action: what happened,
  why, and what you will try next time.
""",
        },
        {
            "slug": "personal-learning-system",
            "title": "Building a Personal Learning System",
            "minutes": 15,
            "body": """## From clinical question to answer: the five As

Evidence-based practice offers a simple loop for the questions that arise during care:

1. **Ask** a focused, answerable question.
2. **Acquire** the best available evidence efficiently.
3. **Appraise** it for validity, importance and applicability.
4. **Apply** it, integrating the evidence with clinical expertise and the patient's values.
5. **Assess** the result, both for the patient and for your own process.

*Background* questions ask about general knowledge ("What causes hepatorenal syndrome?") and are
best answered by textbooks and reviews. *Foreground* questions ask about a specific decision and
are best framed with **PICO**: Patient or problem, Intervention, Comparison, Outcome. "In adults
with uncomplicated cellulitis (P), does a five-day course of antibiotics (I), compared with a
ten-day course (C), achieve the same rate of clinical cure (O)?" is a question you can search for
and answer.

## Acquire wisely: start with pre-appraised evidence

Haynes' "6S" model ranks sources of evidence: *systems* (decision support built into the record),
*summaries* (evidence-based point-of-care resources and guidelines), *synopses of syntheses*,
*syntheses* (systematic reviews), *synopses of studies*, and individual *studies*. For most bedside
questions, start with a current, well-referenced summary or guideline, and go further down only
when the summary is silent, out of date or does not fit your patient. When you rely on a guideline,
check:

- its date, and whether newer evidence has appeared since;
- who wrote it, and their declared conflicts of interest;
- the strength of each recommendation and the quality of the evidence behind it;
- whether your patient resembles the populations that were studied.

## Make learning stick

Cognitive psychology offers robust, practical findings:

- **Retrieval practice**: testing yourself strengthens memory more than rereading does.
- **Spacing**: revisiting material over days and weeks beats cramming it into one session.
- **Interleaving**: mixing problem types trains you to choose the right approach, as practice does.
- **Elaboration and teaching**: explaining a concept to someone else exposes gaps quickly.

Rereading and highlighting feel productive because the material becomes familiar, but familiarity
is not the same as being able to recall and use it.

## An individualized learning plan

An individualized learning plan (ILP) turns good intentions into commitments. Write two or three
goals that are **SMART** (specific, measurable, achievable, relevant, time-bound), each with the
resources you will use, a deadline, and how you will know it worked. Keep a simple portfolio of
questions asked, sources used and changes made. It doubles as evidence for continuing education:
physicians earn continuing medical education credit (such as *AMA PRA Category 1 Credit*) and take
part in their specialty board's continuing certification, and nurses complete continuing nursing
education. The exact requirements depend on your state, board and specialty, so check them early.

## Clinical vignette

Luis, a registered nurse six months into his first ICU position, feels overwhelmed by ventilator
management. He writes one SMART goal: within eight weeks, to explain the settings and alarm limits
of the two ventilation modes his unit uses most, and to interpret an arterial blood gas in relation
to those settings. He books time with the unit's respiratory therapist, quizzes himself with
flashcards spaced across the weeks, and asks his preceptor to observe two of his patient
assessments. At eight weeks he reviews the goal with his nurse manager and sets the next one.

## Apply it

Write one PICO question from your last shift, and answer it in under ten minutes using a
pre-appraised source. Note what you would do differently as a result.
""",
        },
        {
            "slug": "challenges-and-rewards",
            "title": "The Challenges and Rewards of Leading",
            "minutes": 15,
            "body": """## Leadership starts before the title

Most new clinicians do not think of themselves as leaders. Yet the intern who organizes the plan on
rounds, the nurse who coordinates a deteriorating patient's care before the rapid response team
arrives, and the resident who notices a workflow that keeps failing patients are all leading.
Leadership in medicine is less about position than about influence: helping a group see what
matters, agree on what to do, and do it well. Formal roles (chief resident, charge nurse, unit
director, committee chair) come later and build on these everyday behaviors.

## The predictable challenges

- **From peer to leader.** Becoming chief resident or charge nurse changes your relationships with
  friends whom you now schedule, evaluate or correct. Name the change openly, be consistent, and
  separate the role's decisions from personal loyalty.
- **Impostor feelings.** Pauline Clance and Suzanne Imes described the *impostor phenomenon* in
  1978: capable people attribute their success to luck and fear being "found out". It is common in
  medicine. Naming it, keeping a record of real accomplishments and talking with mentors helps more
  than waiting for confidence to arrive.
- **Moral distress.** Andrew Jameton described moral distress as knowing the right thing to do
  while institutional constraints make it nearly impossible to do it. Leaders experience it, and
  they can reduce it for others by removing the constraints.
- **Burnout.** Christina Maslach's work describes burnout in three dimensions: emotional
  exhaustion, depersonalization (cynicism and detachment from patients and work), and a reduced
  sense of personal accomplishment. The National Academy of Medicine's 2019 report *Taking Action
  Against Clinician Burnout* framed it as a problem of the work system (excessive workload,
  documentation burden, loss of control, misaligned values), not a failure of individual
  resilience.
- **Time and attention.** Leadership work competes with clinical work. Decide in advance what you
  will and will not take on, and protect time for both.

## The rewards

Leading lets you fix what frustrated you as a front-line clinician, widen your influence from one
patient to many, and help others grow. Research on physician well-being has linked spending time on
the parts of work a clinician finds most meaningful with lower burnout, and leadership can be one
of those parts: seeing a safer handoff process you designed become routine, or watching a resident
you mentored teach others.

## Sustaining yourself and your team

- Treat well-being as a shared responsibility: use personal strategies (sleep, boundaries, peer
  support, professional help when needed) and, as a leader, remove the system drivers you control.
- Ask your team, "What gets in the way of doing your best work?", and act visibly on one answer.
- Build a personal board of advisers: a mentor, a peer, and someone outside medicine.
- Debrief hard events; do not let them pass unspoken.

## Clinical vignette

Dr. Priya Nair becomes chief resident three months after finishing residency alongside the people
she now schedules. Early complaints about the call schedule feel personal. She holds a meeting,
explains the constraints and the principles she will use (fairness, transparency, safe patient
coverage), and invites residents to redesign the backup-call system with her. The complaints do not
disappear, but they become problems the group solves together. She also meets monthly with a former
chief resident, which helps her separate criticism of her decisions from criticism of herself.

## Apply it

Write down one leadership behavior you already practice without a title, and one challenge from
this lesson you expect to meet in the next year. Who could help you with it?
""",
        },
    ],
    "quiz": {
        "title": "Continuous Learning After the USMLE: check your understanding",
        "pass_mark": 70,
        "questions": [
            {
                "text": (
                    "Six months into residency, Dr. Kim rates herself as *very confident* in "
                    "managing diabetic ketoacidosis. She has had no formal feedback on it. Based "
                    "on research on physician self-assessment, what is the best way for her to "
                    "judge how well she actually performs?"
                ),
                "general_feedback": (
                    "Physicians' self-assessments agree poorly with external measures of "
                    "competence, so self-assessment should be informed by outside data and "
                    "feedback."
                ),
                "choices": [
                    {
                        "text": (
                            "Trust her confidence; confidence grows with competence, so it is a "
                            "reliable guide."
                        ),
                        "correct": False,
                        "feedback": (
                            "Confidence and competence are only weakly related; some of the least "
                            "accurate self-assessments come from the most confident physicians."
                        ),
                    },
                    {
                        "text": (
                            "Take a board-style practice exam on DKA and rely on the score alone."
                        ),
                        "correct": False,
                        "feedback": (
                            "An exam measures knowledge, not what she does in practice, and a "
                            "single source cannot show how she manages real patients."
                        ),
                    },
                    {
                        "text": (
                            "Combine her self-rating with external data, such as a review of her "
                            "DKA cases against the protocol and feedback from nurses and "
                            "supervisors."
                        ),
                        "correct": True,
                        "feedback": (
                            "Correct. This is informed self-assessment: her own view, checked "
                            "against audit data and observed performance."
                        ),
                    },
                    {
                        "text": (
                            "Wait for her annual evaluation, which will identify any problems."
                        ),
                        "correct": False,
                        "feedback": (
                            "An annual evaluation is summative, late and usually too general to "
                            "guide improvement in a specific clinical skill."
                        ),
                    },
                ],
            },
            {
                "text": (
                    "A nurse on a stroke unit wonders whether the unit should change its practice "
                    "on swallow screening. Which is a well-built foreground (PICO) question?"
                ),
                "general_feedback": (
                    "Foreground questions about a specific decision are best framed with Patient, "
                    "Intervention, Comparison and Outcome, which makes them searchable."
                ),
                "choices": [
                    {
                        "text": (
                            "In adults with acute ischemic stroke, does a formal bedside swallow "
                            "screen before any oral intake, compared with no formal screen, "
                            "reduce aspiration pneumonia?"
                        ),
                        "correct": True,
                        "feedback": (
                            "Correct. It names the population, intervention, comparison and "
                            "outcome, so it can be answered from the evidence."
                        ),
                    },
                    {
                        "text": ("What is the pathophysiology of dysphagia after stroke?"),
                        "correct": False,
                        "feedback": (
                            "This is a background question about general knowledge, best answered "
                            "by a textbook or review, not a PICO question about a decision."
                        ),
                    },
                    {
                        "text": "Is swallow screening good?",
                        "correct": False,
                        "feedback": (
                            "Too vague: it has no defined population, comparison or outcome, so "
                            "it cannot be searched or answered precisely."
                        ),
                    },
                    {
                        "text": (
                            "What do the other nurses on my unit usually do about swallowing?"
                        ),
                        "correct": False,
                        "feedback": (
                            "This asks about local habit, not evidence. Knowing local practice is "
                            "useful, but it does not tell you what works."
                        ),
                    },
                ],
            },
            {
                "text": (
                    "A newly licensed physician wants to retain, over the long term, what she has "
                    "read about reversing anticoagulation. Which study strategy is best supported "
                    "by learning research?"
                ),
                "general_feedback": (
                    "Retrieval practice and spacing are among the best-established findings about "
                    "durable learning; passive review feels effective but is not."
                ),
                "choices": [
                    {
                        "text": (
                            "Rereading and highlighting the guideline several times in one evening."
                        ),
                        "correct": False,
                        "feedback": (
                            "Rereading builds familiarity, not recall, and massing it into one "
                            "evening loses the benefit of spacing."
                        ),
                    },
                    {
                        "text": (
                            "Reading the longest review article she can find, once, very carefully."
                        ),
                        "correct": False,
                        "feedback": (
                            "A single careful reading is still passive; without retrieval and "
                            "spacing, most of it will fade."
                        ),
                    },
                    {
                        "text": ("Watching a recorded lecture at double speed before each shift."),
                        "correct": False,
                        "feedback": (
                            "Passive viewing, however often, does not require her to recall and "
                            "apply the information."
                        ),
                    },
                    {
                        "text": (
                            "Testing herself with questions on the topic, spaced over several "
                            "weeks."
                        ),
                        "correct": True,
                        "feedback": (
                            "Correct. Self-testing (retrieval practice) spread over time "
                            "(spacing) produces the most durable learning."
                        ),
                    },
                ],
            },
            {
                "text": ("Which of these is an example of Schön's *reflection-on-action*?"),
                "general_feedback": (
                    "Reflection-in-action happens during an event; reflection-on-action is the "
                    "deliberate review afterwards that plans what to do differently."
                ),
                "choices": [
                    {
                        "text": (
                            "During a rapid response, a resident notices the patient is not "
                            "responding to fluids and changes her plan on the spot."
                        ),
                        "correct": False,
                        "feedback": (
                            "Adjusting while the situation unfolds is reflection-in-action, not "
                            "reflection-on-action."
                        ),
                    },
                    {
                        "text": (
                            "The morning after a difficult rapid response, a resident writes down "
                            "what happened, why she hesitated to call for help, and what she will "
                            "do differently next time."
                        ),
                        "correct": True,
                        "feedback": (
                            "Correct. Looking back on an experience, analyzing it and planning a "
                            "change is reflection-on-action."
                        ),
                    },
                    {
                        "text": (
                            "A resident memorizes the advanced life support algorithms before "
                            "starting residency."
                        ),
                        "correct": False,
                        "feedback": (
                            "This is preparation, which is valuable, but it is not reflection on "
                            "an experience."
                        ),
                    },
                    {
                        "text": (
                            "A resident completes her required continuing education credits "
                            "before the deadline."
                        ),
                        "correct": False,
                        "feedback": (
                            "Meeting a requirement is compliance; it says nothing about "
                            "reflecting on her own practice."
                        ),
                    },
                ],
            },
            {
                "text": (
                    "A new nurse manager notices that staff on her unit are emotionally exhausted "
                    "and increasingly cynical about their work. Which response best reflects "
                    "current understanding of clinician burnout?"
                ),
                "general_feedback": (
                    "The National Academy of Medicine frames burnout mainly as a consequence of "
                    "the work system; leaders should address its drivers as well as support "
                    "individuals."
                ),
                "choices": [
                    {
                        "text": (
                            "Enroll the staff in a resilience course, since burnout reflects a "
                            "lack of individual coping skills."
                        ),
                        "correct": False,
                        "feedback": (
                            "Individual skills can help, but treating burnout as a personal "
                            "deficit ignores the workload and system factors that drive it."
                        ),
                    },
                    {
                        "text": (
                            "Wait it out; burnout is an expected part of health care work and "
                            "resolves with experience."
                        ),
                        "correct": False,
                        "feedback": (
                            "Burnout is not a rite of passage and does not reliably resolve on "
                            "its own; ignoring it risks harm to staff and patients."
                        ),
                    },
                    {
                        "text": (
                            "Ask staff what most gets in the way of their work, act visibly on "
                            "the system drivers she controls, and make individual support "
                            "available."
                        ),
                        "correct": True,
                        "feedback": (
                            "Correct. This addresses the work system (such as workload and "
                            "documentation burden) while still supporting individuals."
                        ),
                    },
                    {
                        "text": (
                            "Encourage staff to take their vacation time, and consider the "
                            "problem solved once they have."
                        ),
                        "correct": False,
                        "feedback": (
                            "Time off helps briefly, but if the drivers are unchanged, exhaustion "
                            "and cynicism return when staff come back."
                        ),
                    },
                ],
            },
        ],
    },
}


_EFFECTIVE_COMMUNICATION = {
    "slug": "effective-communication",
    "title": "Effective Communication",
    "summary": (
        "Use structured tools to communicate clearly with colleagues and patients: SBAR, I-PASS "
        "and closed-loop communication for the team, teach-back for patients, and SPIKES for the "
        "hardest conversations."
    ),
    "competencies": ["interpersonal_communication", "professionalism"],
    "required": True,
    "lessons": [
        {
            "slug": "sbar-and-closed-loop",
            "title": "Structured Communication: SBAR, I-PASS and Closed Loops",
            "minutes": 15,
            "body": """## Why structure matters

Communication failures are among the most frequently identified contributors to serious adverse
events. Under stress, clinicians from different professions tend to communicate differently: nurses
are often trained to describe a situation in narrative detail, physicians to look for the bottom
line. Structured tools give everyone a shared format, so essential content arrives in a predictable
order and nothing critical depends on the listener asking the right question.

## SBAR

SBAR was adapted for health care at Kaiser Permanente from communication practices used on US Navy
submarines. It organizes a report or an escalation:

- **Situation**: who you are, who the patient is, and what is happening now.
- **Background**: the relevant context (diagnosis, recent course, key results).
- **Assessment**: what you think is going on. Say it aloud; it is the part newer clinicians most
  often leave out.
- **Recommendation**: what you need, and by when ("Please come and see her within 15 minutes").

## Handoffs with I-PASS

For shift-to-shift handoffs many programs use **I-PASS**: **I**llness severity, **P**atient
summary, **A**ction list, **S**ituation awareness and contingency planning ("if his pressure drops
below 90 systolic, ..."), and **S**ynthesis by the receiver, who summarizes back and asks
questions. A multicenter study in *The New England Journal of Medicine* (2014) found that
implementing I-PASS with training was associated with fewer medical errors and preventable adverse
events, without lengthening handoffs.

## Closed-loop communication

Orders given aloud, especially in emergencies, are easy to miss, mishear or duplicate. A closed
loop has three steps:

1. The **sender** gives a clear message to a named person ("Maria, give 1 mg epinephrine IV").
2. The **receiver** repeats it back (a *check-back*): "1 mg epinephrine IV."
3. The **sender** confirms ("Correct"), and the receiver reports when the task is done
   ("Epinephrine 1 mg is in").

Address people by name or role, never "someone", and use read-back for telephone and verbal orders
and for critical test results.

## Escalating a concern

When a concern is not being heard, TeamSTEPPS recommends escalating with **CUS**: "I am
**C**oncerned... I am **U**ncomfortable... This is a **S**afety issue." The phrases work because
the team has agreed in advance what they mean: stop and listen.

## Clinical vignette

At 02:00 a nurse calls the cross-covering intern. "This is Jo, the nurse on 6 West, calling about
Mr. Patel in bed 12. His blood pressure is 88/50, down from 130/80 two hours ago, and his heart
rate is 118 (S). He is 68, day one after a right hemicolectomy; his urine output has been about 10
mL an hour for three hours and his drain output has increased (B). I'm worried he is bleeding (A).
Please come and see him now. Can I send a blood count, a lactate and a type and screen, and will
you order a fluid bolus? (R)" The intern reads back the orders, Jo confirms them, and the intern
arrives within ten minutes.

## Apply it

Listen to your next three phone calls or pages. Which SBAR element was missing most often, and was
it yours?
""",
        },
        {
            "slug": "teach-back",
            "title": "Talking With Patients: Plain Language and Teach-Back",
            "minutes": 12,
            "body": """## The gap between explaining and understanding

Patients forget much of what they are told in clinical encounters, and some of what they remember
is inaccurate. Stress, illness, unfamiliar vocabulary and limited health literacy all widen the
gap. Because you cannot tell by looking who will struggle, the AHRQ *Health Literacy Universal
Precautions Toolkit* recommends communicating clearly with every patient, not only those you
suspect have difficulty.

## Plain language

- Lead with the one to three things that matter most: "need to know" before "nice to know".
- Replace jargon: "high blood pressure", not "hypertension"; "the test did not show cancer", not
  "the biopsy was negative" (which some patients hear as bad news).
- Give concrete instructions: "Take one pill in the morning and one at bedtime", not "twice daily".
- Use pictures, models or the actual device, and write down the key points.

## Teach-back

Teach-back asks patients to explain in their own words what they need to know or do. It checks
*your* explanation, not the patient's intelligence, and it works best framed that way:

- "I want to make sure I explained this clearly. Can you tell me how you will take your new
  medicine when you get home?"
- If the answer is incomplete, explain again in a different way and check again. *Chunk and check*:
  give one small piece, confirm it, then move on.
- Avoid yes/no checks such as "Do you understand?"; nearly everyone says yes.
- Ask "What questions do you have?" rather than "Do you have any questions?"; it signals that
  questions are expected.

## Working with interpreters

For patients with limited English proficiency, use a qualified medical interpreter, in person, by
video or by telephone. Family members, and especially children, should not interpret clinical
conversations: they may omit, soften or misunderstand information, and the patient may not speak
freely. In the United States, federal civil-rights rules generally require covered providers to
offer qualified interpreters at no cost and limit reliance on family members, with narrow
exceptions such as emergencies. Speak to the patient rather than the interpreter, in short
segments, and use teach-back through the interpreter too.

## Shared decision-making

When more than one reasonable option exists, plain language and teach-back support shared
decision-making: make clear that there is a choice, describe the options with their benefits and
harms, explore what matters most to the patient, and decide together. Decision aids can help.

## Clinical vignette

A nurse practitioner discharging Mrs. Alvarez after an admission for heart failure explains the new
diuretic dose, daily weights, and when to call the clinic. She then asks: "We went over a lot. So I
know I explained it well, can you walk me through what you'll do each morning?" Mrs. Alvarez
describes taking the pill but not weighing herself; she thought the scale was only for the
hospital. The nurse practitioner explains why daily weights matter, writes down the weight gain
that should prompt a call, and checks again. This time Mrs. Alvarez gets it right, and she takes
the written plan home.

## Apply it

Use teach-back with your next three patients. Note where your explanation needed repair.
""",
        },
        {
            "slug": "breaking-bad-news-spikes",
            "title": "Breaking Bad News With SPIKES",
            "minutes": 15,
            "body": """## Why a protocol helps

Delivering serious news is a core clinical skill that few clinicians are formally taught. How the
news is given affects what patients understand, how they cope, and whether they trust the team. The
SPIKES protocol, published by Walter Baile, Robert Buckman and colleagues in *The Oncologist* in
2000, breaks the conversation into six steps. It is a scaffold, not a script.

## The six steps

- **S: Setting up.** Review the facts. Ask the patient who should be present. Find a private room,
  sit down, hand your pager to a colleague, and allow enough time.
- **P: Perception.** Before you tell, ask: "What is your understanding of why we did the scan?" The
  answer shows what the patient already knows or fears, and any misunderstanding to correct.
- **I: Invitation.** Ask how much and what kind of information the patient wants: "Would you like
  me to go through the results in detail, or focus on the plan?" Some patients prefer that details
  go to a family member; respect that, and document it.
- **K: Knowledge.** Give a warning shot ("I'm afraid I have some serious news"), then share the
  information in plain language, in small pieces, checking understanding as you go. Avoid jargon
  and needless bluntness. Never say "there is nothing more we can do": there is always care to
  offer.
- **E: Emotions, with empathy.** Expect emotion and respond to it before moving on: notice it, name
  it, acknowledge it ("I can see this is a shock"). Silence is often the right response. People
  rarely absorb medical facts while overwhelmed.
- **S: Strategy and summary.** When the patient is ready, summarize, check understanding, agree on
  next steps and when you will meet again, and make sure they know how to reach the team.

## Responding to emotion: NURSE statements

Palliative care educators teach the **NURSE** mnemonic for empathic responses:

- **Naming**: "You seem frightened."
- **Understanding**: "This is a lot to take in."
- **Respecting**: "You have taken such good care of your mother."
- **Supporting**: "We will be with you through this."
- **Exploring**: "Tell me more about what worries you most."

## Common pitfalls

- Delivering news in a corridor or from the doorway, standing.
- Leading with statistics or treatment options before the patient has absorbed the news.
- Answering emotion with more information ("The good news is that response rates are...").
- Promising certainty you do not have, or taking away all hope.

## Clinical vignette

Dr. Chen, a PGY-2, must tell Mr. Okafor, 58, that his CT shows a mass in the pancreas with lesions
in the liver. She asks whether he would like his wife present, and they meet in a family room.
Asked what he understands, he says he thinks the pain is "an ulcer". She warns him that the news is
serious, explains that the scan shows a growth in the pancreas that has probably spread to the
liver, and pauses. After a silence he asks, "Is it cancer?" She answers honestly that it very
likely is and that a biopsy will confirm it, then waits. When his wife begins to cry, Dr. Chen
acknowledges how frightening this is before describing the next steps: the biopsy, a meeting with
oncology, and a time tomorrow to talk again.

## Apply it

Before your next serious-news conversation, write the first question you will ask to learn the
patient's perception.
""",
        },
    ],
    "quiz": {
        "title": "Effective Communication: check your understanding",
        "pass_mark": 70,
        "questions": [
            {
                "text": (
                    "At 03:00 a nurse calls the covering resident about a patient with new "
                    "confusion. Which call best follows SBAR?"
                ),
                "general_feedback": (
                    "SBAR gives Situation, Background, Assessment and Recommendation in order, so "
                    "the listener hears the problem, its context, the caller's concern and the "
                    "specific request."
                ),
                "choices": [
                    {
                        "text": (
                            "\"Hi, it's 7 East. Mrs. Lopez is a bit off tonight. Can you come by "
                            'when you have a chance?"'
                        ),
                        "correct": False,
                        "feedback": (
                            "Vague: no clear situation, no data, no assessment, and a request "
                            "without urgency. The resident cannot prioritize this call."
                        ),
                    },
                    {
                        "text": (
                            '"This is Sam, the nurse on 7 East, about Mrs. Lopez in bed 4: she '
                            "has become confused in the last hour. She is 79, admitted two days "
                            "ago with a UTI; her temperature is 38.9 and her blood pressure "
                            "92/54, down from 130/70 this afternoon. I'm worried she is becoming "
                            "septic. Please see her within 15 minutes; can I send blood cultures "
                            'and a lactate?"'
                        ),
                        "correct": True,
                        "feedback": (
                            "Correct. It states the situation, gives the relevant background and "
                            "vital signs, offers an assessment and makes a specific, timed "
                            "recommendation."
                        ),
                    },
                    {
                        "text": (
                            "\"Mrs. Lopez in bed 4 was admitted for a UTI, she's on ceftriaxone, "
                            "she lives alone, her daughter visited today, she ate half her "
                            'dinner, and her blood pressure is lower than before."'
                        ),
                        "correct": False,
                        "feedback": (
                            "Background without a situation: the new confusion is never stated, "
                            "the key data are buried, and there is no assessment or request."
                        ),
                    },
                    {
                        "text": (
                            '"Mrs. Lopez is confused and I think she\'s septic. Call me back."'
                        ),
                        "correct": False,
                        "feedback": (
                            "It gives an assessment but no identification, background or vital "
                            "signs, and no specific recommendation for the resident to act on."
                        ),
                    },
                ],
            },
            {
                "text": (
                    "During a cardiac arrest, the team leader wants 1 mg of epinephrine given IV. "
                    "Which sequence completes closed-loop communication?"
                ),
                "general_feedback": (
                    "A closed loop has a directed message, a check-back by the receiver, "
                    "confirmation by the sender, and a report when the task is done."
                ),
                "choices": [
                    {
                        "text": (
                            "The leader says the order aloud, and a nurse gives the drug without "
                            "replying so as not to distract the leader."
                        ),
                        "correct": False,
                        "feedback": (
                            "With no check-back, the leader cannot know whether the order was "
                            "heard correctly, by whom, or whether it was given."
                        ),
                    },
                    {
                        "text": (
                            'The leader says "Someone give epi", and two nurses both say '
                            '"Okay" and each prepare a dose.'
                        ),
                        "correct": False,
                        "feedback": (
                            'An undirected order invites duplication or omission, and "Okay" '
                            "does not confirm the drug, dose or route."
                        ),
                    },
                    {
                        "text": (
                            'The leader names a nurse and gives the order; she says "Got it" '
                            "and gives the drug."
                        ),
                        "correct": False,
                        "feedback": (
                            'Directed, but "Got it" is not a read-back, so a misheard dose '
                            "would not be caught, and the leader is not told when it is given."
                        ),
                    },
                    {
                        "text": (
                            'The leader names a nurse and gives the order; she repeats "1 mg '
                            'epinephrine IV", the leader says "Correct", and she reports '
                            '"Epinephrine 1 mg given" when done.'
                        ),
                        "correct": True,
                        "feedback": (
                            "Correct. Directed message, check-back, confirmation and a report of "
                            "completion close the loop."
                        ),
                    },
                ],
            },
            {
                "text": (
                    "A nurse has just shown a patient with COPD how to use a new inhaler. Which "
                    "is the best use of teach-back?"
                ),
                "general_feedback": (
                    "Teach-back asks the patient to explain or demonstrate in their own words, "
                    "framed as a check on the clinician's explanation."
                ),
                "choices": [
                    {
                        "text": (
                            '"I want to make sure I explained this clearly. Can you show me how '
                            "you'll use the inhaler at home?\""
                        ),
                        "correct": True,
                        "feedback": (
                            "Correct. It asks for a demonstration and puts the responsibility for "
                            "clarity on the clinician, not the patient."
                        ),
                    },
                    {
                        "text": '"Do you understand how to use it?"',
                        "correct": False,
                        "feedback": (
                            "A yes/no question; most patients say yes whether or not they "
                            "understand."
                        ),
                    },
                    {
                        "text": '"You seem to have got that. Any questions?"',
                        "correct": False,
                        "feedback": (
                            "It assumes understanding and closes the conversation instead of "
                            "checking it."
                        ),
                    },
                    {
                        "text": ('"Let me explain it once more, slowly, just to be safe."'),
                        "correct": False,
                        "feedback": (
                            "Repeating the explanation may help, but it still does not show "
                            "whether the patient can use the inhaler."
                        ),
                    },
                ],
            },
            {
                "text": (
                    "Dr. Patel must tell a patient that her biopsy shows lymphoma. She has "
                    "arranged a private room, the patient's husband is present as the patient "
                    "wished, and everyone is seated. Following SPIKES, what should she do next?"
                ),
                "general_feedback": (
                    "After setting up, SPIKES moves to Perception: find out what the patient "
                    "already understands before giving information."
                ),
                "choices": [
                    {
                        "text": (
                            "State the diagnosis at once, so the patient is not kept in suspense."
                        ),
                        "correct": False,
                        "feedback": (
                            "This skips Perception and Invitation; without them she cannot pitch "
                            "the news to what the patient knows and wants."
                        ),
                    },
                    {
                        "text": (
                            "Go through survival statistics for the likely stage of lymphoma."
                        ),
                        "correct": False,
                        "feedback": (
                            "Statistics before the news has been given and absorbed overwhelm the "
                            "patient and are rarely what she needs first."
                        ),
                    },
                    {
                        "text": (
                            "Ask what the patient understands so far about why the biopsy was done."
                        ),
                        "correct": True,
                        "feedback": (
                            "Correct. This is the Perception step: it reveals what she knows or "
                            "fears and any misunderstanding to correct."
                        ),
                    },
                    {
                        "text": ("Reassure the patient that everything is going to be fine."),
                        "correct": False,
                        "feedback": (
                            "False reassurance undermines trust and makes the serious news harder "
                            "to deliver honestly."
                        ),
                    },
                ],
            },
            {
                "text": (
                    "A patient who speaks Vietnamese and limited English needs to give consent "
                    "for an elective procedure. Her bilingual adult son offers to interpret. What "
                    "is the best approach?"
                ),
                "general_feedback": (
                    "Clinical conversations with patients who have limited English proficiency "
                    "should use qualified medical interpreters, not family members."
                ),
                "choices": [
                    {
                        "text": (
                            "Accept the son's offer, since the patient trusts him and it saves "
                            "time."
                        ),
                        "correct": False,
                        "feedback": (
                            "Family interpreters may omit or soften information and the patient "
                            "may not speak freely; this is not an emergency."
                        ),
                    },
                    {
                        "text": (
                            "Use a qualified medical interpreter (in person, video or phone), "
                            "speak to the patient in short segments, and check understanding with "
                            "teach-back."
                        ),
                        "correct": True,
                        "feedback": (
                            "Correct. A qualified interpreter supports accurate, private and "
                            "truly informed consent."
                        ),
                    },
                    {
                        "text": ("Proceed in English, speaking slowly and using simple words."),
                        "correct": False,
                        "feedback": (
                            "Slow, simple English does not overcome a language barrier; consent "
                            "obtained this way may not be informed."
                        ),
                    },
                    {
                        "text": (
                            "Give her the consent form in English and ask her son to explain it "
                            "at home."
                        ),
                        "correct": False,
                        "feedback": (
                            "Consent is a conversation with the clinician, not a form; this "
                            "delegates it to an untrained family member."
                        ),
                    },
                ],
            },
        ],
    },
}


_TEAM_COLLABORATION = {
    "slug": "team-collaboration",
    "title": "Team Collaboration",
    "summary": (
        "Build teams that catch problems before they reach patients: the TeamSTEPPS toolkit, "
        "psychological safety, and practical ways to work across professions and through conflict."
    ),
    "competencies": ["interpersonal_communication", "systems_based_practice", "patient_care"],
    "required": True,
    "lessons": [
        {
            "slug": "teamstepps",
            "title": "TeamSTEPPS: The Core Skills of Clinical Teams",
            "minutes": 15,
            "body": """## Teams, not heroes

Modern care is delivered by teams; a hospitalized patient may be cared for by dozens of people in a
single stay. A team of experts is not automatically an expert team. Teamwork is a set of skills
that can be taught, practiced and measured, an idea health care borrowed from aviation's crew
resource management.

**TeamSTEPPS** (Team Strategies and Tools to Enhance Performance and Patient Safety), developed by
the US Agency for Healthcare Research and Quality (AHRQ) and the Department of Defense, is the most
widely used framework in health care. It is built on four core skills.

## 1. Team leadership

Leaders organize the team, set clear goals, assign roles, and make sure everyone shares a mental
model of the plan. Three structured events help:

- **Brief**: a short planning discussion before a shift, procedure or case (who is on the team,
  what the plan is, what could go wrong).
- **Huddle**: an ad hoc check-in to re-plan when the situation changes.
- **Debrief**: a short after-action review: what went well, what did not, what we will change.

## 2. Situation monitoring

Team members continually scan the patient, each other and the environment. **STEP** structures
this: **S**tatus of the patient, **T**eam members (fatigue, workload, skill), **E**nvironment
(equipment, beds, staffing) and **P**rogress toward the goal. *Cross-monitoring*, watching one
another's actions to catch mistakes, is a safety net, not an insult. Team members check themselves
too: the **I'M SAFE** checklist asks about Illness, Medication, Stress, Alcohol and drugs, Fatigue,
and Eating and elimination.

## 3. Mutual support

Team members anticipate and meet each other's needs: offering **task assistance** when a colleague
is overloaded, giving constructive **feedback**, and **advocating for the patient** when a concern
conflicts with the plan. When a concern is dismissed, the **two-challenge rule** applies: voice it
at least twice, and if it is still not addressed and the risk is serious, take stronger action,
such as stopping the process or going to a supervisor or the next level in the chain of command.
**CUS** phrases and the **DESC** script (covered in a later lesson) support these conversations.

## 4. Communication

The communication tools include **SBAR**, **call-outs** (announcing critical information to the
whole team, such as "Estimated blood loss now one liter"), **check-backs** (closed-loop
communication) and structured **handoffs**.

## What good teamwork produces

TeamSTEPPS describes the payoff as shared knowledge (a common mental model), attitudes (mutual
trust and team orientation) and performance (adaptability, accuracy, productivity, efficiency and
safety).

## Clinical vignette

Before a busy night on labor and delivery, the charge nurse runs a three-minute brief: the two
patients at highest risk, which obstetrician is covering the operating room, that one neonatal
warmer is out of service, and who does what if a postpartum hemorrhage is called. At 04:00 a
patient begins to bleed heavily after delivery. Because roles were assigned in the brief, the team
moves at once: one nurse calls out blood loss, another brings the hemorrhage cart, and the
obstetrician's medication orders are read back. Afterward the team holds a five-minute debrief and
asks biomedical engineering to replace the warmer that day.

## Apply it

Lead or ask for a two-minute brief at the start of your next shift: team, plan, risks, roles.
""",
        },
        {
            "slug": "psychological-safety",
            "title": "Psychological Safety and Speaking Up",
            "minutes": 15,
            "body": """## What psychological safety is

Amy Edmondson of Harvard Business School defines psychological safety as "a shared belief held by
members of a team that the team is safe for interpersonal risk taking". On a psychologically safe
team, people can ask a question, admit a mistake, raise a concern or offer an idea without fearing
humiliation or punishment. It is not about being nice or lowering standards. Edmondson contrasts
teams with high standards and high psychological safety, where learning and performance thrive,
with teams that have high standards but low safety, where people are anxious and stay silent.

## What Edmondson found in hospitals

In early research on hospital nursing units, Edmondson expected that better-led, better-functioning
units would report fewer medication errors. She found the opposite: they reported more. Further
investigation suggested they were not making more errors; their staff were more willing to report
and discuss them. The lesson for leaders: a low error count can signal silence rather than safety.

## Why clinicians stay silent

- **A steep authority gradient**: a large perceived difference in status (attending and intern,
  surgeon and scrub nurse) makes challenge feel risky.
- **Fear of looking incompetent**, especially for new members of a team.
- **Futility**: "Nothing changes when I speak up."
- **Past responses**: one dismissive or sarcastic reply can teach a whole team to stay quiet.

## What leaders can do

Edmondson describes three leader behaviors:

1. **Frame the work as a learning problem**: "This is a complex patient, and we'll need everyone's
   eyes on her."
2. **Acknowledge your own fallibility**: "I may miss something, so I need to hear from you."
3. **Model curiosity**: ask genuine questions and listen to the answers.

Research by Ingrid Nembhard and Edmondson on *leader inclusiveness* (words and deeds that invite
and appreciate others' contributions) links such behavior to psychological safety and to staff
engagement in improvement work. Just as important is how you respond when someone speaks up:

- **Thank them**, even if the concern turns out to be unfounded.
- **Respond to the content**, and explain your reasoning if you proceed.
- **Close the loop** on reports: tell people what changed as a result.
- Keep accountability for reckless conduct, not honest error (see the just culture lesson in the
  Ethics module).

## Clinical vignette

During an intubation, a PGY-1 notices the oxygen saturation falling while the attending
anesthesiologist's attention is on the laryngoscope. She hesitates; on her last rotation a comment
like this was met with sarcasm. But at the start of the case the attending said, "I'll be focused
on the airway. If you see the numbers change, call them out loudly." She does: "Sats 88 and
falling." The attending stops, reoxygenates the patient, and succeeds on the next attempt. After
the case he thanks her in front of the team. The next time, she speaks up without hesitating.

## Apply it

At the start of your next team meeting or shift, use one sentence that invites concerns, and notice
how the team responds when someone raises one.
""",
        },
        {
            "slug": "interprofessional-collaboration-and-conflict",
            "title": "Working Across Professions and Through Conflict",
            "minutes": 15,
            "body": """## Interprofessional collaboration

Effective teams use the full expertise of every member. The Interprofessional Education
Collaborative (IPEC) organizes the competencies for collaborative practice into four areas:

- **Values and ethics**: mutual respect and a shared commitment to patients.
- **Roles and responsibilities**: knowing what each profession contributes, and its limits.
- **Communication**: clear, respectful communication with patients, families and colleagues.
- **Teams and teamwork**: applying team principles to plan, deliver and evaluate care.

In practice: learn what the pharmacist, respiratory therapist, social worker and physical therapist
can do for your patients, bring them into rounds and decisions, and make the plan explicit to the
whole team rather than leaving it in the orders.

## Understanding conflict

Conflict is normal on teams with high stakes and different perspectives. *Task conflict*
(disagreement about the plan) can improve decisions when handled well; *relationship conflict*
(personal friction) usually harms performance. The Thomas-Kilmann model describes five ways of
handling conflict, according to how assertive and how cooperative you are:

- **Competing** (assertive, uncooperative): suited to emergencies and safety non-negotiables.
- **Collaborating** (assertive and cooperative): best for important issues where both sides'
  concerns matter.
- **Compromising** (in between): each side gives something up; useful under time pressure.
- **Avoiding** (unassertive, uncooperative): reasonable for trivial issues, harmful for recurring
  ones.
- **Accommodating** (unassertive, cooperative): useful when the issue matters more to the other
  person.

Skilled leaders choose the mode that fits the situation instead of defaulting to one.

## Tools for difficult conversations

- **Interests, not positions** (Roger Fisher and William Ury, *Getting to Yes*): behind "I won't
  take that admission" may lie an interest (the unit is short-staffed, another patient is unstable)
  that can be met another way.
- **The DESC script**: **D**escribe the specific situation; **E**xpress your concern; **S**uggest
  an alternative and seek agreement; state the **C**onsequences in terms of shared goals.
- Talk privately and soon, about behavior and its effects rather than about character.

## Disruptive behavior

Intimidating and disruptive behavior undermines a culture of safety. The Joint Commission's
Sentinel Event Alert 40 (2008) called on organizations to define unacceptable behavior and to act
on it. What a leader tolerates sets the standard for everyone else.

## Clinical vignette

Every morning the hospitalist team and the overnight admitting resident clash over "incomplete"
admissions. The resident's position: "I admit, and the day team finishes." The hospitalists'
position: "Admissions must be complete." The chief resident brings them together and asks about
interests. The night resident needs to keep the emergency department moving; the hospitalists need
to know the critical decisions made overnight. They agree on a three-item minimum for every
overnight admission (code status, orders for the main problem, and a documented contingency plan)
and agree to review it in a month. The disagreement stops being personal.

## Apply it

Think of a recurring conflict on your unit. Write down each side's position, then each side's
underlying interest.
""",
        },
    ],
    "quiz": {
        "title": "Team Collaboration: check your understanding",
        "pass_mark": 70,
        "questions": [
            {
                "text": (
                    "A nurse tells the resident that a new heparin infusion rate is far above "
                    "what the protocol allows. The resident says it is fine. The nurse repeats "
                    "the concern, citing the protocol, and the resident again dismisses it "
                    "without checking. Under the TeamSTEPPS two-challenge rule, what should the "
                    "nurse do?"
                ),
                "general_feedback": (
                    "After a serious concern has been voiced twice without being addressed, the "
                    "two-challenge rule calls for stronger action, such as stopping and "
                    "escalating."
                ),
                "choices": [
                    {
                        "text": (
                            "Not start the infusion at that rate, and escalate to a supervisor "
                            "such as the attending physician or the nursing supervisor."
                        ),
                        "correct": True,
                        "feedback": (
                            "Correct. Two challenges have failed and the risk is serious, so she "
                            "stops the process and moves up the chain of command."
                        ),
                    },
                    {
                        "text": (
                            "Give the infusion as ordered; she has voiced her concern twice, so "
                            "responsibility now lies with the resident."
                        ),
                        "correct": False,
                        "feedback": (
                            "Voicing a concern does not transfer responsibility for a likely "
                            "harmful order; the rule requires stronger action, not compliance."
                        ),
                    },
                    {
                        "text": (
                            "Document the disagreement and raise it at the next morning's huddle."
                        ),
                        "correct": False,
                        "feedback": (
                            "Documenting is appropriate, but waiting until the morning leaves the "
                            "patient exposed to the risk now."
                        ),
                    },
                    {
                        "text": ("Keep challenging the resident directly until he agrees."),
                        "correct": False,
                        "feedback": (
                            "Repeating the same challenge wastes time; the rule says to escalate "
                            "after two unsuccessful attempts."
                        ),
                    },
                ],
            },
            {
                "text": (
                    "During a surgical time-out, the circulating nurse notices that the site "
                    "marking is on the left leg, but the consent form says right. Which statement "
                    "best uses TeamSTEPPS CUS language?"
                ),
                "general_feedback": (
                    "CUS (Concerned, Uncomfortable, Safety issue) is an agreed escalation that "
                    "signals the team must stop and listen."
                ),
                "choices": [
                    {
                        "text": (
                            "\"Sorry to bother everyone, it's probably nothing, but maybe someone "
                            'could check the side?"'
                        ),
                        "correct": False,
                        "feedback": (
                            "Hedged, apologetic language invites the team to ignore the concern."
                        ),
                    },
                    {
                        "text": (
                            '"You\'ve marked the wrong side. This is the second time this month."'
                        ),
                        "correct": False,
                        "feedback": (
                            "Blaming language provokes defensiveness and does not clearly call "
                            "for the team to stop."
                        ),
                    },
                    {
                        "text": (
                            "\"I'm concerned the marking is on the left. I'm uncomfortable "
                            "proceeding because the consent says right. This is a safety issue; "
                            'we need to stop and check."'
                        ),
                        "correct": True,
                        "feedback": (
                            "Correct. It uses each CUS step, states the facts and asks for a "
                            "specific action: stop and verify."
                        ),
                    },
                    {
                        "text": ('"I\'ll mention it to the charge nurse after the case."'),
                        "correct": False,
                        "feedback": (
                            "After the incision is too late; a possible wrong-site procedure must "
                            "be raised during the time-out."
                        ),
                    },
                ],
            },
            {
                "text": (
                    "Which behavior by an attending physician starting with a new team is most "
                    "likely to build psychological safety?"
                ),
                "general_feedback": (
                    "Leaders build psychological safety by framing work as learning, "
                    "acknowledging their own fallibility, inviting input and responding well when "
                    "people speak up."
                ),
                "choices": [
                    {
                        "text": (
                            "Telling the team on the first day that errors will not be tolerated "
                            "on her service."
                        ),
                        "correct": False,
                        "feedback": (
                            "Zero tolerance for error makes people hide mistakes rather than "
                            "report and learn from them."
                        ),
                    },
                    {
                        "text": (
                            "Correcting residents' mistakes publicly on rounds so everyone learns "
                            "from them."
                        ),
                        "correct": False,
                        "feedback": (
                            "Public correction is experienced as humiliation and teaches the team "
                            "to stay quiet."
                        ),
                    },
                    {
                        "text": (
                            "Keeping her own uncertainty to herself so the team stays confident "
                            "in the plan."
                        ),
                        "correct": False,
                        "feedback": (
                            "Hiding uncertainty signals that doubts are unwelcome; acknowledging "
                            "fallibility invites others to speak."
                        ),
                    },
                    {
                        "text": (
                            "Saying at the first meeting that she will miss things and wants to "
                            "hear concerns, then thanking an intern who questions her plan."
                        ),
                        "correct": True,
                        "feedback": (
                            "Correct. She acknowledges fallibility, invites input and rewards "
                            "speaking up, which is what builds psychological safety."
                        ),
                    },
                ],
            },
            {
                "text": (
                    "A chief nursing officer notices that the medical unit with the most "
                    "respected manager and the best teamwork scores reports more medication "
                    "errors than any other unit. What is the best initial interpretation?"
                ),
                "general_feedback": (
                    "Edmondson's hospital research showed that better-functioning units can "
                    "report more errors because staff feel safe to report, not because they make "
                    "more."
                ),
                "choices": [
                    {
                        "text": (
                            "The unit is less safe than the others, and its manager should be "
                            "replaced."
                        ),
                        "correct": False,
                        "feedback": (
                            "Reporting rates reflect willingness to report as well as true error "
                            "rates; acting on this assumption would punish openness."
                        ),
                    },
                    {
                        "text": (
                            "The higher count may reflect greater willingness to report, not more "
                            "errors; she should investigate before drawing conclusions."
                        ),
                        "correct": True,
                        "feedback": (
                            "Correct. A psychologically safe unit surfaces more of its errors; "
                            "other units' low counts may reflect silence."
                        ),
                    },
                    {
                        "text": (
                            "The unit's staff are over-reporting trivial events, and reporting "
                            "should be discouraged."
                        ),
                        "correct": False,
                        "feedback": (
                            "Discouraging reports removes the information needed to find and fix "
                            "system problems."
                        ),
                    },
                    {
                        "text": (
                            "Error reports carry no useful information and should be ignored."
                        ),
                        "correct": False,
                        "feedback": (
                            "Reports are not a precise error rate, but they are a vital source of "
                            "learning about hazards."
                        ),
                    },
                ],
            },
            {
                "text": (
                    "A hospitalist repeatedly arrives 20 minutes late to the morning "
                    "interdisciplinary huddle. Which statement best follows the DESC script?"
                ),
                "general_feedback": (
                    "DESC: Describe the specific situation, Express your concern, Suggest an "
                    "alternative, and state the Consequences in terms of shared goals."
                ),
                "choices": [
                    {
                        "text": (
                            "\"You're always late. It's unprofessional and everyone has noticed.\""
                        ),
                        "correct": False,
                        "feedback": (
                            "A generalization and a judgment of character, with no specific "
                            "description, suggestion or shared goal."
                        ),
                    },
                    {
                        "text": '"Could you try to be a bit more punctual?"',
                        "correct": False,
                        "feedback": (
                            "Polite but vague: it describes nothing specific and does not explain "
                            "why it matters."
                        ),
                    },
                    {
                        "text": (
                            "\"This week the huddle started without you three times. I'm "
                            "concerned we're planning discharges without your input. Could you "
                            "join by 7:35, or send a quick update if you can't? Then the team can "
                            'plan with your information."'
                        ),
                        "correct": True,
                        "feedback": (
                            "Correct. It describes the facts, expresses a concern, suggests an "
                            "alternative and links the consequence to patient care."
                        ),
                    },
                    {
                        "text": (
                            '"If this happens again I\'ll report you to the department chair."'
                        ),
                        "correct": False,
                        "feedback": (
                            "Opening with a threat skips the conversation that usually solves the "
                            "problem; escalation comes later if needed."
                        ),
                    },
                ],
            },
        ],
    },
}


_ETHICS = {
    "slug": "ethics",
    "title": "Ethics",
    "summary": (
        "Apply the four principles of biomedical ethics, informed consent and capacity "
        "assessment, and just culture accountability to the decisions clinical leaders face."
    ),
    "competencies": ["professionalism", "patient_care"],
    "required": True,
    "lessons": [
        {
            "slug": "four-principles",
            "title": "The Four Principles in Clinical Leadership",
            "minutes": 15,
            "body": """## A shared language for ethical problems

Tom Beauchamp and James Childress, in *Principles of Biomedical Ethics* (first published in 1979),
proposed four principles that give clinicians a common vocabulary for ethical reasoning:

- **Respect for autonomy**: honor the informed choices of people with decision-making capacity;
  tell the truth, protect confidentiality, and obtain informed consent.
- **Beneficence**: act for the patient's benefit, weighing benefits against risks and burdens.
- **Nonmaleficence**: avoid causing harm, including the harm of burdensome treatment that offers
  little benefit.
- **Justice**: distribute benefits, risks and costs fairly; treat like cases alike, and allocate
  scarce resources by transparent, relevant criteria.

The principles are *prima facie*: each is binding unless it conflicts with another, and none
automatically outranks the others. Ethical reasoning means *specifying* what a principle requires
in a particular case, *balancing* principles when they conflict, and being able to justify the
choice to others.

## When principles conflict

- A patient with capacity refuses a blood transfusion for religious reasons: respect for autonomy
  outweighs beneficence, and the refusal is honored.
- A patient asks you not to tell his partner about a new HIV diagnosis: confidentiality is weighed
  against a serious risk to an identifiable person. The response is governed by law and
  institutional policy and usually begins with counseling the patient toward disclosure.
- A shortage of a chemotherapy drug forces choices between patients: justice requires a fair,
  consistent process decided in advance, not bedside rationing by whoever is on call.

## Professional codes

The principles are reflected in professional codes. The *Physician Charter* (2002), from the ABIM
Foundation, the ACP-ASIM Foundation and the European Federation of Internal Medicine, sets out
three fundamental principles: the primacy of patient welfare, patient autonomy, and social justice.
The American Nurses Association's *Code of Ethics for Nurses* likewise commits nurses to respect
for the inherent dignity of every person and to advocacy for patients' rights, health and safety.

## Ethics for leaders

Leaders face ethical questions beyond the bedside: fair scheduling and workload, allocation of
resources, conflicts of interest, honest reporting of quality data, and protecting staff who raise
concerns. Useful habits:

- Name the ethical question explicitly, and identify whose interests are at stake.
- Separate the facts (what do we know?) from the values (what matters, and to whom?).
- Call your institution's **ethics consultation** service early; it is not a last resort.
- Document the reasoning as well as the decision.

## Clinical vignette

An 82-year-old woman with advanced dementia is admitted for the third time in two months with
aspiration pneumonia. Her son asks for a feeding tube. The team explains that in advanced dementia,
tube feeding has not been shown to prevent aspiration or prolong life. The resident leading the
team arranges a family meeting. She asks what his mother valued and how she lived, and explores the
son's hopes and fears. Framing the decision around what his mother would have wanted (substituted
judgment) and what would benefit her, the family chooses careful hand feeding focused on comfort.
The team involves palliative care and documents the reasoning and the plan.

## Apply it

Recall a recent case that felt ethically uncomfortable. Which two principles were in tension, and
how was the conflict resolved?
""",
        },
        {
            "slug": "informed-consent-and-capacity",
            "title": "Informed Consent and Decision-Making Capacity",
            "minutes": 15,
            "body": """## Informed consent is a process, not a form

Informed consent puts respect for autonomy into practice. The signed form documents consent; the
conversation is the consent. Its elements:

- **Capacity**: the patient is able to make this decision.
- **Disclosure**: the nature of the condition and the proposed intervention; its material risks and
  benefits; reasonable alternatives, including no intervention; and the likely consequences of
  each.
- **Understanding**: checked, not assumed (use teach-back).
- **Voluntariness**: free of coercion and undue pressure.
- **Authorization**: the patient's decision, which can be withdrawn.

What counts as a "material" risk is shaped by law. Many US jurisdictions ask what a reasonable
patient would want to know, not only what a typical clinician would disclose.

## Assessing capacity

Capacity is a clinical judgment about a specific decision at a specific time. It is distinct from
*competence*, a legal status decided by a court. Any treating clinician can and should assess
capacity; psychiatry consultation helps in difficult cases but is not required. A widely used
framework, summarized by Paul Appelbaum (*NEJM*, 2007), asks whether the patient can:

1. **Communicate a choice** that is reasonably stable.
2. **Understand** the relevant information.
3. **Appreciate** the situation and its consequences for themselves.
4. **Reason** about the options, comparing them in light of their values.

Key points:

- A diagnosis (dementia, psychosis, intoxication) does not by itself remove capacity, and a
  cognitive screening score does not settle the question.
- Disagreeing with a choice is not evidence of incapacity; an unusual choice is a reason to look
  more carefully.
- The scrutiny rises with the stakes: refusing a low-risk, high-benefit treatment calls for a more
  careful assessment than accepting it.
- Capacity can fluctuate. Treat reversible causes (delirium, pain, hypoxia, medication effects) and
  reassess when you can.

## When the patient lacks capacity

Look for an advance directive, and turn to a surrogate: a legally authorized representative or,
where state law sets a priority list, the appropriate family member. Surrogates should use
*substituted judgment* (what the patient would have chosen) and, when that is unknown, the
patient's *best interests*. In a true emergency, when no surrogate is available and delay would
cause serious harm, treatment can proceed under the emergency exception. Document your assessment
and reasoning.

## Clinical vignette

Mr. Reyes, 70, has an infected foot ulcer with spreading cellulitis and refuses admission for IV
antibiotics. He states his choice consistently and can repeat the risks back, including losing his
leg. Asked why, he explains that his wife has dementia and no one else can care for her at home. He
accepts that the infection is serious and weighs it against a value that matters deeply to him. He
has capacity, and the team respects his decision while continuing to work with him: a social worker
arranges emergency respite care for his wife, and the next morning he agrees to be admitted.

## Apply it

For your next consent conversation, check yourself against each element: did you cover
alternatives, including no treatment, and did you confirm understanding?
""",
        },
        {
            "slug": "just-culture-and-disclosure",
            "title": "Just Culture, Error Disclosure and Accountability",
            "minutes": 15,
            "body": """## Why blame does not make care safer

Most errors are made by competent, caring people working in systems that make errors easy.
Punishing individuals for honest mistakes drives reporting underground, and the organization loses
the information it needs to fix the system. A "no blame" culture fails too, because some choices
deserve accountability. **Just culture** is the balance between the two.

## Three behaviors, three responses

David Marx's just culture model judges behaviors, not outcomes:

- **Human error**: an inadvertent slip, lapse or mistake. Response: **console** the person, and fix
  the system.
- **At-risk behavior**: a choice whose risk is not recognized or is believed justified, often a
  workaround that has become normal. Response: **coach** the person, remove the incentives for the
  risky choice, and fix the system.
- **Reckless behavior**: conscious disregard of a substantial and unjustifiable risk. Response:
  **sanction** (disciplinary action).

Two points matter for leaders. First, judge the behavior, not the outcome: the same workaround
deserves the same response whether or not a patient was harmed. Second, ask whether peers with
similar training would have made the same choice in the same circumstances (a *substitution test*);
if they would, the problem lies mainly in the system.

## Disclosure after harm

Patients are entitled to know when an error has harmed them. Communication-and-resolution programs,
such as AHRQ's **CANDOR** (Communication and Optimal Resolution) toolkit, support a prompt, honest
response. Good disclosure:

- happens early, led by the responsible clinician with support from risk management;
- explains what happened in plain language, sticking to known facts without speculating or blaming
  colleagues;
- includes a sincere expression of regret and, when the error is clear, an apology;
- describes what will be done for the patient and to prevent a recurrence;
- promises follow-up and names a contact person.

Many US states have "apology laws" that limit the use of expressions of sympathy as evidence of
liability. Their scope varies, so learn your state's law and your institution's policy.

## Supporting the clinician

Albert Wu described clinicians harmed by their own errors as the *second victim* (*BMJ*, 2000).
Guilt, anxiety and loss of confidence are common. Leaders should offer timely peer support, avoid
isolating the clinician, and involve them in learning from the event when they are ready. Some
patient advocates object to the term, but the need it describes is real.

## Clinical vignette

A nurse gives insulin to the wrong patient; the patient becomes hypoglycemic and recovers with
treatment. The review finds that the unit's barcode scanners have been unreliable for weeks, and
that nurses routinely scan a printed sheet of wristband barcodes at the nurses' station to save
time. The nurse manager does not discipline the nurse: this is at-risk behavior that had become the
unit's norm. She coaches the whole team, escalates the scanner failures as a patient safety
priority, and joins the attending in disclosing the error to the patient, who is told what happened
and what is being changed.

## Apply it

Identify one workaround on your unit. Would a just culture review classify it as at-risk behavior,
and what system change would remove the need for it?
""",
        },
    ],
    "quiz": {
        "title": "Ethics: check your understanding",
        "pass_mark": 70,
        "questions": [
            {
                "text": (
                    "During a national shortage of a chemotherapy drug, a hospital sets up a "
                    "committee that defines allocation criteria in advance, applies them "
                    "consistently to all patients, and publishes its reasoning. Which principle "
                    "does this process most directly serve?"
                ),
                "general_feedback": (
                    "Justice concerns the fair distribution of benefits and burdens, including "
                    "transparent and consistent allocation of scarce resources."
                ),
                "choices": [
                    {
                        "text": "Respect for autonomy",
                        "correct": False,
                        "feedback": (
                            "Autonomy concerns individual patients' informed choices, not how a "
                            "scarce drug is shared among patients."
                        ),
                    },
                    {
                        "text": "Justice",
                        "correct": True,
                        "feedback": (
                            "Correct. Consistent, transparent criteria set in advance are how "
                            "justice is served when resources are scarce."
                        ),
                    },
                    {
                        "text": "Beneficence",
                        "correct": False,
                        "feedback": (
                            "Each treatment aims to benefit its patient, but the question here is "
                            "fairness between patients, which is justice."
                        ),
                    },
                    {
                        "text": "Nonmaleficence",
                        "correct": False,
                        "feedback": (
                            "Avoiding harm matters, but it does not address how to choose fairly "
                            "among patients who all need the drug."
                        ),
                    },
                ],
            },
            {
                "text": (
                    "A 66-year-old man with pneumonia refuses antibiotics. He states his choice "
                    "clearly and consistently and can repeat what he was told about the risks of "
                    "refusing. However, he insists he is not ill at all and that doctors invent "
                    "diagnoses to earn money. Which capacity-related ability is most clearly "
                    "impaired?"
                ),
                "general_feedback": (
                    "Appreciation means recognizing that the information applies to oneself; a "
                    "patient can understand facts yet not appreciate that they are true of him."
                ),
                "choices": [
                    {
                        "text": "The ability to communicate a choice",
                        "correct": False,
                        "feedback": (
                            "He states a clear and consistent choice, so this ability is intact."
                        ),
                    },
                    {
                        "text": ("The ability to understand the relevant information"),
                        "correct": False,
                        "feedback": (
                            "He can repeat the information accurately, which shows understanding."
                        ),
                    },
                    {
                        "text": (
                            "None: because he can state and explain his choice, he has capacity."
                        ),
                        "correct": False,
                        "feedback": (
                            "Stating a choice and repeating facts are not enough; capacity also "
                            "requires appreciating that the facts apply to him."
                        ),
                    },
                    {
                        "text": (
                            "The ability to appreciate the situation and its consequences for "
                            "himself"
                        ),
                        "correct": True,
                        "feedback": (
                            "Correct. He denies that he is ill, so he cannot appreciate how the "
                            "information applies to him."
                        ),
                    },
                ],
            },
            {
                "text": ("Which statement about decision-making capacity is accurate?"),
                "general_feedback": (
                    "Capacity is a clinical, decision-specific judgment that treating clinicians "
                    "make; competence is a legal determination made by a court."
                ),
                "choices": [
                    {
                        "text": (
                            "Capacity is specific to the decision and the time, and the treating "
                            "clinician can assess it."
                        ),
                        "correct": True,
                        "feedback": (
                            "Correct. A patient may have capacity for one decision and not "
                            "another, and capacity can change over time."
                        ),
                    },
                    {
                        "text": (
                            "A patient with a diagnosis of dementia lacks capacity for medical "
                            "decisions."
                        ),
                        "correct": False,
                        "feedback": (
                            "A diagnosis alone does not remove capacity; many people with mild "
                            "dementia can make many decisions."
                        ),
                    },
                    {
                        "text": (
                            "A cognitive screening score below a set cut-off establishes that a "
                            "patient lacks capacity."
                        ),
                        "correct": False,
                        "feedback": (
                            "Screening scores can inform the assessment but do not measure the "
                            "abilities needed for a particular decision."
                        ),
                    },
                    {
                        "text": (
                            "Only a psychiatrist can determine capacity, and only a court can "
                            "decide that a patient lacks it."
                        ),
                        "correct": False,
                        "feedback": (
                            "This confuses capacity with competence; any treating clinician can "
                            "assess capacity, and psychiatry helps only in difficult cases."
                        ),
                    },
                ],
            },
            {
                "text": (
                    "Because the unit's barcode scanners have been unreliable for weeks, a nurse "
                    "scans a printed sheet of wristband barcodes at the nurses' station, a "
                    "workaround most of her colleagues also use. A medication error follows. "
                    "Under just culture, how should her behavior be classified and handled?"
                ),
                "general_feedback": (
                    "Just culture judges the behavior, not the outcome: human error is consoled, "
                    "at-risk behavior is coached, and reckless behavior is sanctioned."
                ),
                "choices": [
                    {
                        "text": ("Human error: console her and take no further action."),
                        "correct": False,
                        "feedback": (
                            "The workaround was a choice, not an inadvertent slip, and it and the "
                            "broken scanners need to be addressed."
                        ),
                    },
                    {
                        "text": (
                            "Reckless behavior: begin disciplinary action, because a patient was "
                            "harmed."
                        ),
                        "correct": False,
                        "feedback": (
                            "This judges by outcome. Her colleagues made the same choice, which "
                            "points to a normalized workaround, not conscious disregard of risk."
                        ),
                    },
                    {
                        "text": (
                            "At-risk behavior: coach her and the team, and fix the scanners and "
                            "the pressures that made the workaround normal."
                        ),
                        "correct": True,
                        "feedback": (
                            "Correct. A drifted, normalized workaround is at-risk behavior, met "
                            "with coaching and system repair."
                        ),
                    },
                    {
                        "text": ("No one is accountable, because the system caused the error."),
                        "correct": False,
                        "feedback": (
                            "Just culture is not blame-free; at-risk choices still call for "
                            "coaching, alongside fixing the system."
                        ),
                    },
                ],
            },
            {
                "text": (
                    "A patient received ten times the intended dose of an opioid because of a "
                    "decimal-point error and needed naloxone; she has recovered. The review of "
                    "how the error happened is still under way. What should the attending do when "
                    "speaking with her?"
                ),
                "general_feedback": (
                    "Disclosure after harm should be prompt and honest, stick to known facts, "
                    "include regret and an apology, and describe next steps and follow-up."
                ),
                "choices": [
                    {
                        "text": (
                            "Say nothing until the review is complete, to avoid giving incomplete "
                            "information."
                        ),
                        "correct": False,
                        "feedback": (
                            "Disclosure should be prompt; she can be told what is known now and "
                            "updated as the review continues."
                        ),
                    },
                    {
                        "text": (
                            "Promptly explain what is known in plain language, express regret and "
                            "apologize, describe what is being done to find the cause and prevent "
                            "a recurrence, and arrange follow-up."
                        ),
                        "correct": True,
                        "feedback": (
                            "Correct. This is honest, timely disclosure that respects the patient "
                            "and commits to learning from the error."
                        ),
                    },
                    {
                        "text": ("Tell her she had an unexpected reaction to the medication."),
                        "correct": False,
                        "feedback": (
                            "This is deceptive; it breaches the duty of honesty and destroys "
                            "trust if the truth emerges."
                        ),
                    },
                    {
                        "text": (
                            "Tell her a nurse made a decimal error and has been removed from duty."
                        ),
                        "correct": False,
                        "feedback": (
                            "It blames an individual before the review is complete and speculates "
                            "about causes that may lie in the system."
                        ),
                    },
                ],
            },
        ],
    },
}


_HEALTHCARE_MANAGEMENT = {
    "slug": "healthcare-management",
    "title": "Healthcare Management",
    "summary": (
        "Measure and improve care like a manager: define quality with Donabedian and the "
        "Quadruple Aim, test changes with PDSA cycles, and apply Lean thinking and basic "
        "financial literacy to the systems you work in."
    ),
    "competencies": ["systems_based_practice", "practice_based_learning"],
    "required": True,
    "lessons": [
        {
            "slug": "measuring-quality",
            "title": "Measuring Quality: Donabedian and the Quadruple Aim",
            "minutes": 15,
            "body": """## What are we trying to improve?

Before you can improve care, you need a shared definition of good care. The Institute of Medicine's
2001 report *Crossing the Quality Chasm* named six aims: care should be **safe, timely, effective,
efficient, equitable and patient-centered** (often remembered as STEEEP). The aims are a useful
checklist for any project: a change that makes care faster but less equitable is not simply an
improvement.

## From the Triple Aim to the Quadruple Aim

In 2008 Donald Berwick, Thomas Nolan and John Whittington described the **Triple Aim**: improving
the patient's experience of care, improving the health of populations, and reducing the per capita
cost of health care. In 2014 Thomas Bodenheimer and Christine Sinsky argued that these goals cannot
be sustained by a burned-out workforce and added a fourth: **improving the work life of clinicians
and staff**. This is the **Quadruple Aim**. More recently, some authors have proposed a fifth aim,
advancing **health equity** (the "Quintuple Aim").

For a clinical leader the Quadruple Aim is a practical test. A proposal that advances one aim by
quietly sacrificing another (for example, saving money by adding documentation work for nurses)
should be redesigned.

## Donabedian: structure, process, outcome

Avedis Donabedian's model, first set out in 1966, sorts quality measures into three linked types:

- **Structure**: the setting in which care is delivered: staffing, equipment, information systems,
  credentials, policies. *Example: the hospital has a stroke team available around the clock.*
- **Process**: what is actually done in giving and receiving care. *Example: the percentage of
  eligible stroke patients who receive thrombolysis within 60 minutes of arrival.*
- **Outcome**: the effect on patients' health and experience. *Example: functional status 90 days
  after a stroke, mortality, patient-reported outcomes.*

Good structures make good processes more likely, and good processes make good outcomes more likely.
Each type has trade-offs. Structures are easy to measure but only loosely tied to results.
Processes are actionable and change quickly, but they matter only if evidence links them to
outcomes. Outcomes matter most to patients but are slow to change, may be infrequent, and need risk
adjustment before units or hospitals can be compared fairly.

## A family of measures for a project

Improvement projects usually track:

- an **outcome measure**: is the system getting better for patients?
- **process measures**: are the changes actually happening?
- **balancing measures**: have we caused problems elsewhere in the system?

Define each measure precisely (numerator, denominator, exclusions, data source), and collect data
over time, not only before and after.

## Clinical vignette

A hospitalist group sets out to reduce catheter-associated urinary tract infections (CAUTI).
Structure: a nurse-driven catheter removal protocol and an order set that requires an indication.
Process: the percentage of catheters with a documented indication, reviewed daily. Outcome: CAUTI
per 1,000 catheter days. Balancing: episodes of urinary retention requiring reinsertion. Showing
all of them on the unit's huddle board lets the team see not only whether infections fall, but why.

## Apply it

Pick one quality measure reported for your unit. Is it a structure, process or outcome measure, and
what would a sensible balancing measure be?
""",
        },
        {
            "slug": "model-for-improvement-pdsa",
            "title": "Improving Care With the Model for Improvement and PDSA",
            "minutes": 15,
            "body": """## The Model for Improvement

The Model for Improvement, developed by Associates in Process Improvement and widely taught by the
Institute for Healthcare Improvement (IHI), starts with three questions:

1. **What are we trying to accomplish?** An aim that is specific, measurable and time-bound, for a
   defined population: "By June 30, increase the percentage of heart failure patients on our unit
   discharged with a follow-up appointment within seven days to 90%."
2. **How will we know that a change is an improvement?** Outcome, process and balancing measures,
   tracked over time.
3. **What change can we make that will result in improvement?** Ideas from evidence, front-line
   staff, patients, and other organizations.

## Plan-Do-Study-Act

Changes are then tested in rapid **PDSA cycles**, an approach rooted in the work of Walter Shewhart
and W. Edwards Deming:

- **Plan**: the objective of the test, the change, your *prediction* of what will happen, who does
  what, where and when, and what data you will collect.
- **Do**: carry out the test on a small scale, recording problems and unexpected observations.
- **Study**: compare the results with your prediction. What did you learn?
- **Act**: adopt, adapt or abandon the change, and plan the next cycle.

## Principles of good testing

- **Start small**: for example, one nurse with one patient on one day. A small test that fails
  costs little and teaches a lot.
- **Ramp up**: repeat the test with more people and under more conditions (nights, weekends, busy
  days) as confidence grows, before implementing it across the unit.
- **Always predict**: without a prediction there is nothing to compare with, and little to learn.
- **Involve the people who do the work**: they know where the process fails, and they will be the
  ones carrying out the change.

## Learning from data over time: run charts

Plot the measure over time with its median. Published run-chart rules (Perla, Provost and Murray)
help distinguish a real change, a *signal*, from random variation:

- **Shift**: six or more consecutive points all above or all below the median.
- **Trend**: five or more consecutive points all going up or all going down.
- **Runs**: too many or too few runs (sequences of points on one side of the median) for the number
  of data points.
- **Astronomical data point**: one that is obviously different from all the others.

A single before-and-after comparison cannot separate a signal from noise; a run chart can.

## Clinical vignette

A PGY-2 on cardiology notices that many heart failure patients leave without a follow-up
appointment. Her first PDSA cycle: on Tuesday, for one patient, she asks the unit clerk to book the
appointment before discharge, predicting it will take under ten minutes. It takes forty, because
the clinic schedule is not visible from the ward. Her second cycle tests a block of reserved
post-discharge clinic slots for one week. Over the following weeks the proportion of patients with
a booked appointment rises, and the run chart shows a shift: six consecutive weeks above the
baseline median. The balancing measure, clinic overbooking, stays stable.

## Apply it

Write a three-question Model for Improvement statement for a problem on your unit, and plan the
smallest possible first test.
""",
        },
        {
            "slug": "lean-and-the-business-of-care",
            "title": "Lean Thinking and the Business of Care",
            "minutes": 15,
            "body": """## Lean: delivering value and removing waste

Lean thinking grew out of the Toyota Production System and was described for a general audience by
James Womack and Daniel Jones. Its core idea is to define value from the customer's point of view
(in health care, the patient's) and to remove everything that does not contribute to it. Five
principles guide the work: **specify value**, **map the value stream**, create **flow**, let demand
**pull** work through the system rather than pushing it in batches, and pursue **perfection** by
continuous improvement. Lean is often mistaken for cost-cutting; done well, it rests equally on
**respect for people**, engaging the staff who do the work in improving it.

## The eight wastes

A common mnemonic is **DOWNTIME**:

- **Defects**: errors and rework (a mislabeled specimen that must be redrawn).
- **Overproduction**: doing more than is needed (daily labs that will not change management).
- **Waiting**: patients waiting for beds, results or discharge; staff waiting for equipment.
- **Non-utilized talent**: not using staff skills and ideas (nurses left out of a redesign).
- **Transportation**: unnecessary movement of patients, specimens or supplies.
- **Inventory**: excess supplies, or patients queued in a waiting room.
- **Motion**: unnecessary movement by staff (walking repeatedly to a distant supply room).
- **Extra-processing**: work that adds no value (documenting the same information in several
  places).

## Core Lean tools

- **Gemba** ("the real place"): go and see the work where it happens rather than designing from an
  office.
- **Value stream mapping**: draw every step of a patient's journey, with the time each takes and
  the waits between them, to find where delay accumulates.
- **5S**: sort, set in order, shine, standardize, sustain; organizing a workspace so the right
  things are easy to find.
- **Standard work**: the current best way to do a task, agreed and written down, which becomes the
  baseline for further improvement.
- **Visual management**: status and huddle boards that make problems visible at a glance.

## The business side: terms new leaders meet

Clinical leaders increasingly review budgets and productivity reports. A few terms are worth
knowing:

- An **operating budget** covers recurring revenue and expenses (staffing, supplies); a **capital
  budget** covers long-lived purchases (equipment, construction).
- **Fixed costs** do not change with patient volume in the short term (a building); **variable
  costs** do (the supplies used for each procedure).
- In the United States, Medicare's **Resource-Based Relative Value Scale** assigns physician
  services **relative value units (RVUs)** with three components: physician work, practice expense,
  and professional liability insurance. Work RVUs are a common, and imperfect, measure of
  productivity.

Numbers describe a system; they do not explain it. Pair financial and productivity data with
quality measures and a visit to the gemba.

## Clinical vignette

An outpatient infusion center has long waits. The nurse manager and a hematology-oncology fellow
map the value stream for one patient's visit and find that most of the time is spent waiting:
treatment is not prepared until the patient has arrived and the day's labs have resulted. With the
oncologists' agreement, they test drawing labs the day before for patients on stable regimens, so
that pharmacy can prepare treatment earlier. Staff also stock frequently used supplies at each
chair, reducing motion. Waits fall, and nurses report calmer afternoons.

## Apply it

Walk your unit for fifteen minutes looking only for waste. Which of the eight wastes did you see,
and who does that work?
""",
        },
    ],
    "quiz": {
        "title": "Healthcare Management: check your understanding",
        "pass_mark": 70,
        "questions": [
            {
                "text": (
                    "A hospital tracks *the percentage of eligible medical inpatients who receive "
                    "venous thromboembolism (VTE) prophylaxis within 24 hours of admission*. In "
                    "Donabedian's model, what type of measure is this?"
                ),
                "general_feedback": (
                    "Donabedian's model distinguishes structure (the setting), process (what is "
                    "done) and outcome (the effect on patients' health)."
                ),
                "choices": [
                    {
                        "text": "A structure measure",
                        "correct": False,
                        "feedback": (
                            "Structure describes the setting, such as having a VTE protocol or "
                            "staffing, not whether the care was actually given."
                        ),
                    },
                    {
                        "text": "An outcome measure",
                        "correct": False,
                        "feedback": (
                            "An outcome would be the rate of hospital-acquired VTE or bleeding, "
                            "not whether prophylaxis was given."
                        ),
                    },
                    {
                        "text": "A process measure",
                        "correct": True,
                        "feedback": (
                            "Correct. It measures whether a recommended action was carried out "
                            "for eligible patients."
                        ),
                    },
                    {
                        "text": "A patient-experience measure",
                        "correct": False,
                        "feedback": (
                            "Patient experience is reported by patients (for example, survey "
                            "results); this measure is drawn from the care delivered."
                        ),
                    },
                ],
            },
            {
                "text": (
                    "The Quadruple Aim added a fourth aim to the Triple Aim (better patient "
                    "experience, better population health, lower per capita cost). What is it?"
                ),
                "general_feedback": (
                    "Bodenheimer and Sinsky (2014) argued that the Triple Aim depends on the "
                    "well-being of the workforce that delivers care."
                ),
                "choices": [
                    {
                        "text": "Improving the work life of clinicians and staff",
                        "correct": True,
                        "feedback": (
                            "Correct. Care of the patient requires care of the people who provide "
                            "it; this is the fourth aim."
                        ),
                    },
                    {
                        "text": "Increasing hospital revenue",
                        "correct": False,
                        "feedback": (
                            "Revenue is not one of the aims; the Triple Aim already addresses "
                            "cost from society's point of view."
                        ),
                    },
                    {
                        "text": "Expanding the use of electronic health records",
                        "correct": False,
                        "feedback": (
                            "Records are a tool, not an aim, and their burden on clinicians is "
                            "one reason the fourth aim was proposed."
                        ),
                    },
                    {
                        "text": "Advancing health equity",
                        "correct": False,
                        "feedback": (
                            "Equity is important, but it was later proposed as a fifth aim (the "
                            "Quintuple Aim), not the fourth."
                        ),
                    },
                ],
            },
            {
                "text": (
                    "A medical unit wants to introduce a new discharge checklist. Which is the "
                    "best first PDSA cycle?"
                ),
                "general_feedback": (
                    "PDSA cycles start with small, quick tests that include a prediction, and "
                    "scale up as the team learns."
                ),
                "choices": [
                    {
                        "text": (
                            "Train all nurses, use the checklist for every discharge next month, "
                            "and compare readmissions for the quarter before and after."
                        ),
                        "correct": False,
                        "feedback": (
                            "This is full implementation before any test; problems will surface "
                            "at scale, and a before-and-after comparison cannot separate signal "
                            "from noise."
                        ),
                    },
                    {
                        "text": (
                            "Ask a committee to perfect the checklist over six months before "
                            "anyone uses it."
                        ),
                        "correct": False,
                        "feedback": (
                            "Planning without testing delays learning; the checklist will improve "
                            "faster by being tried on a small scale."
                        ),
                    },
                    {
                        "text": (
                            "Introduce the checklist across the hospital and ask staff to report "
                            "any problems."
                        ),
                        "correct": False,
                        "feedback": (
                            "Hospital-wide rollout is the opposite of a small test, and passive "
                            "problem reporting does not test a prediction."
                        ),
                    },
                    {
                        "text": (
                            "Have one nurse use the checklist for one patient's discharge on "
                            "Tuesday, predict how long it will take, then review what happened "
                            "and adapt it."
                        ),
                        "correct": True,
                        "feedback": (
                            "Correct. A small, fast test with a prediction teaches the most for "
                            "the least cost, and sets up the next cycle."
                        ),
                    },
                ],
            },
            {
                "text": (
                    "An emergency department project aims to shorten length of stay for patients "
                    "who are discharged home. Which is the best balancing measure?"
                ),
                "general_feedback": (
                    "A balancing measure watches for unintended harm elsewhere in the system "
                    "caused by the change."
                ),
                "choices": [
                    {
                        "text": "Median length of stay for discharged patients",
                        "correct": False,
                        "feedback": (
                            "This is the project's outcome measure, not a balancing measure."
                        ),
                    },
                    {
                        "text": ("The rate of return visits to the ED within 72 hours"),
                        "correct": True,
                        "feedback": (
                            "Correct. If patients are discharged too quickly, more will return; "
                            "this measure detects that unintended effect."
                        ),
                    },
                    {
                        "text": (
                            "The percentage of patients seen by a clinician within 30 minutes"
                        ),
                        "correct": False,
                        "feedback": (
                            "This is a process measure of one step in the flow, not a check for "
                            "harm caused elsewhere."
                        ),
                    },
                    {
                        "text": ("The number of staff trained in the new discharge process"),
                        "correct": False,
                        "feedback": (
                            "This tracks implementation of the change, not its unintended "
                            "consequences."
                        ),
                    },
                ],
            },
            {
                "text": (
                    "On a medical unit, nurses repeatedly walk to a supply room at the far end of "
                    "the corridor to fetch dressings and IV start kits. Which of Lean's eight "
                    "wastes is this primarily?"
                ),
                "general_feedback": (
                    "Lean distinguishes motion (unnecessary movement of staff) from "
                    "transportation (unnecessary movement of patients or materials)."
                ),
                "choices": [
                    {
                        "text": "Overproduction",
                        "correct": False,
                        "feedback": (
                            "Overproduction is doing more than is needed, such as unnecessary "
                            "daily tests; the nurses are not producing excess work."
                        ),
                    },
                    {
                        "text": "Defects",
                        "correct": False,
                        "feedback": (
                            "Defects are errors that require rework; nothing here is being done "
                            "wrong or redone."
                        ),
                    },
                    {
                        "text": "Motion",
                        "correct": True,
                        "feedback": (
                            "Correct. Staff walking back and forth for supplies is motion waste; "
                            "stocking supplies at the point of use removes it."
                        ),
                    },
                    {
                        "text": "Non-utilized talent",
                        "correct": False,
                        "feedback": (
                            "That waste is failing to use staff skills and ideas; the problem "
                            "here is the layout that forces unnecessary walking."
                        ),
                    },
                ],
            },
        ],
    },
}


_MENTORSHIP = {
    "slug": "mentorship",
    "title": "Mentorship and Medical Education",
    "summary": (
        "Grow others and let others grow you: tell mentorship, sponsorship and coaching apart, "
        "give feedback that changes practice, and teach efficiently in the clinical environment."
    ),
    "competencies": ["professionalism", "practice_based_learning", "interpersonal_communication"],
    "required": False,
    "lessons": [
        {
            "slug": "mentorship-sponsorship-coaching",
            "title": "Mentorship, Sponsorship and Coaching",
            "minutes": 15,
            "body": """## Three different relationships

- A **mentor** offers guidance, advice and perspective drawn from experience, usually over a long
  relationship: career choices, research, balancing work and life, finding your way in an
  institution.
- A **sponsor** uses their own influence and reputation on your behalf: nominating you for a
  committee, recommending you for a talk or a leadership role, putting your name forward in rooms
  you are not in. Sponsorship is about access and advancement, and it carries a risk for the
  sponsor.
- A **coach** helps you reach specific goals mainly by asking questions rather than giving answers,
  so that you find your own solutions. Coaching is usually shorter-term and focused on performance
  or development.

One person can play all three roles at different times, but the roles are not interchangeable.
Herminia Ibarra and colleagues (*Harvard Business Review*, 2010) argued that women in business were
often mentored but less often sponsored, and that this gap helped explain differences in promotion.
Whoever you are, ask not only who advises you, but who is actively advocating for you.

## A network, not a single mentor

No one person can meet all your needs. Build a mentoring network: a career mentor in your field, a
project or research mentor, a peer a few years ahead of you, someone outside your specialty or
profession, and, as you grow, sponsors who know your work. Physicians and nurses can mentor each
other; interprofessional perspectives are especially valuable for leaders.

## Being a good mentee

Effective mentoring is mentee-driven. Zerzan and colleagues' guide for mentees (*Academic
Medicine*, 2009) describes "managing up":

- Know what you want from the relationship, and say so.
- Send an agenda before each meeting and bring specific questions.
- Respect your mentor's time, and do what you agreed to do.
- Send a short summary of decisions and next steps afterward.
- Ask for feedback, and receive it without defensiveness.
- Recognize when a relationship has run its course, and close it gracefully.

## Being a good mentor

- Listen more than you talk; ask about the mentee's goals before describing your own path.
- Be explicit about what you can offer and how often you can meet.
- Give honest feedback and open doors; sponsorship is among the most valuable help a senior person
  can give.
- Mind the power difference and keep boundaries; a mentee may find it hard to say no to you.
- Mentor people unlike yourself: they may lack informal networks that others take for granted.

## Clinical vignette

Dr. Samuel Boateng, a PGY-2 interested in quality improvement, has met his assigned faculty mentor
twice, and both meetings drifted. Before the third, he emails an agenda with two questions: which
hospital committee would give him improvement experience, and whether his project idea is feasible
within a year. His mentor suggests the patient safety committee and, a week later, mentions Samuel
by name to its chair, who invites him to join. In that moment the mentor acted as a sponsor. Samuel
thanks him and sends an update after his first committee meeting.

## Apply it

Map your current network. Who mentors you, who sponsors you, and who coaches you? Where is the gap?
""",
        },
        {
            "slug": "feedback-that-changes-practice",
            "title": "Giving Feedback That Changes Practice",
            "minutes": 15,
            "body": """## Feedback is not evaluation

Jack Ende's classic article in *JAMA* (1983) distinguished **feedback**, information about observed
performance given to help the learner improve, from **evaluation**, a summative judgment of how
well the learner has performed. Feedback is formative and frequent, and should feel like coaching.
When learners cannot tell the two apart, they hide their weaknesses instead of working on them.

## What makes feedback effective

- **Based on direct observation**: what you saw and heard, not what others reported.
- **Timely**: soon after the event, while it is fresh for both of you.
- **Specific and behavioral**: "You explained the risks without jargon and checked understanding"
  helps; "Good job" does not.
- **Focused**: one or two priorities, not everything you noticed.
- **Actionable**: it ends with a plan for next time.
- **Invited**: learners who have asked for feedback, or set their own goals, are more ready to use
  it.

The "feedback sandwich" (praise, criticism, praise) is widely taught but often backfires: the
corrective message gets buried, and learners learn to brace for the "but". It is better to be
explicit: "I'd like to give you some feedback on the family meeting."

## Conversation models

- **Ask-Tell-Ask**: ask how the learner thinks it went; tell them your observations, both
  reinforcing and corrective; then ask what they will do next time.
- **R2C2** (Sargeant and colleagues): build the **R**elationship; explore the learner's
  **R**eactions to the feedback; explore their understanding of the **C**ontent; **C**oach for
  change with a specific plan.
- **Debriefing with good judgment** (from simulation): pair *advocacy*, your observation and view,
  with *inquiry*, genuine curiosity about the learner's reasoning: "I noticed you didn't call for
  help until the third dose, and I was worried. What was going on for you then?"

## Receiving feedback

Leaders need feedback too. Ask for it specifically ("What is one thing I could do better when I run
rounds?"), thank the person, and resist the urge to explain or defend yourself in the moment.
Acting on feedback, and saying that you did, is how you earn more of it.

## Clinical vignette

After watching an intern lead a family meeting, the senior resident asks, "How do you think it
went?" The intern says it felt rushed. The resident reinforces something specific ("You opened by
asking what they understood, and that showed us they thought he was improving") and adds one
corrective observation: "When his daughter started crying, you moved straight on to the ventilator
settings. She didn't hear anything after that." Together they agree that next time the intern will
pause and acknowledge emotion before giving more information, and that the resident will observe
the next meeting.

## Apply it

This week, give one piece of feedback that is based on direct observation, specific, and ends with
a plan. Then ask for one piece of feedback yourself.
""",
        },
        {
            "slug": "clinical-teaching",
            "title": "Teaching in the Clinical Environment",
            "minutes": 15,
            "body": """## Every clinician is a teacher

After licensure you teach, whether or not it is in your job description: medical and nursing
students, junior residents, new nurses, patients and families. Most clinical teaching happens in
short moments during busy work. A few well-tested models make those moments count.

## The one-minute preceptor

Neher and colleagues (1992) described five "microskills" for teaching after a learner presents a
patient:

1. **Get a commitment**: "What do you think is going on?" or "What would you like to do?"
2. **Probe for supporting evidence**: "What led you to that? What else did you consider?"
3. **Teach a general rule**: one transferable point that applies beyond this patient.
4. **Reinforce what was done right**, specifically.
5. **Correct mistakes**, specifically and kindly, with what to do instead.

## SNAPPS: the learner-led model

SNAPPS (Wolpaw and colleagues, 2003) puts the learner in charge of the case presentation:
**S**ummarize the history and findings; **N**arrow the differential to two or three possibilities;
**A**nalyze the differential by comparing and contrasting; **P**robe the preceptor about
uncertainties; **P**lan management; **S**elect a case-related issue for self-directed learning.

## Knowing where your learner is

- **RIME** (Pangaro) describes a progression: **R**eporter (reliably gathers and reports accurate
  information), **I**nterpreter (prioritizes problems and offers a differential diagnosis),
  **M**anager (proposes diagnostic and treatment plans) and **E**ducator (finds and shares
  evidence, teaches others). Naming the stage focuses your teaching: a reporter needs help
  interpreting, not a lecture on management.
- **Miller's pyramid** (1990) distinguishes *knows*, *knows how*, *shows how* and *does*. Written
  exams test the lower levels; only observation in practice tests the top.
- **Entrustable professional activities (EPAs)**, introduced by Olle ten Cate, define units of work
  (such as handing over the care of a patient) that a learner can be trusted to perform with
  decreasing supervision. The AAMC's Core EPAs for Entering Residency apply the idea to the
  transition from medical school.

## Creating a good learning climate

- Set expectations on the first day: roles, schedule, and how and when you will give feedback.
- Make it safe to say "I don't know", and say it yourself.
- Teach at the bedside when appropriate, with the patient's permission and in language the patient
  can follow.
- Give learners real responsibility, with supervision matched to their level.

## Clinical vignette

A third-year student presents a 24-year-old woman with a day of right lower quadrant pain. Dr. Lee
asks, "What do you think is going on?" The student commits to appendicitis. "What supports that?"
The student cites pain that moved from the umbilicus, loss of appetite and localized tenderness.
Dr. Lee teaches a general rule: in lower abdominal pain, consider gynecologic and urinary causes,
and obtain a pregnancy test in anyone who could be pregnant. He praises the focused examination,
then corrects the student's plan to withhold analgesia until the surgeon arrives: appropriate pain
relief does not hide the diagnosis and should not be delayed.

## Apply it

Use the five microskills with the next learner who presents a patient to you, and ask afterward
which step helped most.
""",
        },
    ],
    "quiz": {
        "title": "Mentorship and Medical Education: check your understanding",
        "pass_mark": 70,
        "questions": [
            {
                "text": ("Which action is best described as sponsorship rather than mentorship?"),
                "general_feedback": (
                    "Mentors advise; sponsors spend their own influence to advocate for someone "
                    "and create opportunities, often in rooms that person is not in."
                ),
                "choices": [
                    {
                        "text": (
                            "A senior nurse meets monthly with a new graduate nurse to talk about "
                            "career goals."
                        ),
                        "correct": False,
                        "feedback": (
                            "Regular guidance conversations are classic mentorship, not "
                            "sponsorship."
                        ),
                    },
                    {
                        "text": (
                            "An attending reviews a resident's draft abstract and suggests "
                            "revisions."
                        ),
                        "correct": False,
                        "feedback": (
                            "Helping improve someone's work is mentoring or teaching; it does not "
                            "use the attending's influence to open a door."
                        ),
                    },
                    {
                        "text": (
                            "A coach asks a new charge nurse questions that help her find her own "
                            "solutions."
                        ),
                        "correct": False,
                        "feedback": (
                            "Asking questions to help someone reach their own answers is coaching."
                        ),
                    },
                    {
                        "text": (
                            "A department chair recommends a resident by name for a seat on a "
                            "national committee, at a meeting the resident does not attend."
                        ),
                        "correct": True,
                        "feedback": (
                            "Correct. The chair puts her own reputation behind the resident to "
                            "create an opportunity; that is sponsorship."
                        ),
                    },
                ],
            },
            {
                "text": (
                    "A PGY-1 has had two unfocused meetings with her assigned mentor. What is the "
                    "most effective step she can take as a mentee?"
                ),
                "general_feedback": (
                    "Mentoring works best when it is mentee-driven: the mentee sets goals, "
                    'prepares and follows through ("managing up").'
                ),
                "choices": [
                    {
                        "text": (
                            "Send a short agenda with specific questions before the next meeting, "
                            "and a summary of agreed next steps afterward."
                        ),
                        "correct": True,
                        "feedback": (
                            "Correct. Preparation and follow-up give the relationship direction "
                            "and make good use of the mentor's time."
                        ),
                    },
                    {
                        "text": (
                            "Wait for the mentor to set the direction, since the mentor has more "
                            "experience."
                        ),
                        "correct": False,
                        "feedback": (
                            "Passivity is the usual reason mentoring meetings drift; the mentee "
                            "should drive the agenda."
                        ),
                    },
                    {
                        "text": ("Stop meeting, since the mentor is clearly not interested."),
                        "correct": False,
                        "feedback": (
                            "Two unfocused meetings do not show a lack of interest; she should "
                            "try structuring the meetings before ending the relationship."
                        ),
                    },
                    {
                        "text": (
                            "Ask the mentor for a letter of recommendation right away so the "
                            "meetings have a purpose."
                        ),
                        "correct": False,
                        "feedback": (
                            "A letter requires a mentor who knows your work; requesting one now "
                            "skips building the relationship."
                        ),
                    },
                ],
            },
            {
                "text": (
                    "A senior resident has just watched an intern present a patient with sepsis "
                    "on rounds. Which is the most effective feedback?"
                ),
                "general_feedback": (
                    "Effective feedback is timely, based on observation, specific about behavior, "
                    "focused on one or two points, and ends with a plan."
                ),
                "choices": [
                    {
                        "text": '"Great job today, keep it up!"',
                        "correct": False,
                        "feedback": (
                            "Pleasant but not specific: the intern cannot tell what to repeat or "
                            "what to improve."
                        ),
                    },
                    {
                        "text": (
                            '"You did well, but the presentation was a bit disorganized, but '
                            'overall it was fine."'
                        ),
                        "correct": False,
                        "feedback": (
                            "A vague feedback sandwich: the corrective point is buried and gives "
                            "no behavior to change."
                        ),
                    },
                    {
                        "text": (
                            '"Your assessment put sepsis first, which was right. Next time, give '
                            "the vital-sign trend before the exam; it took us a while to see she "
                            "was getting worse. Try it tomorrow and I'll watch.\""
                        ),
                        "correct": True,
                        "feedback": (
                            "Correct. It is timely and specific, reinforces one behavior, "
                            "corrects one, and ends with a plan."
                        ),
                    },
                    {
                        "text": (
                            "\"I'll cover your presentation skills in your end-of-rotation "
                            'evaluation."'
                        ),
                        "correct": False,
                        "feedback": (
                            "That is delayed, summative evaluation, not feedback the intern can "
                            "use tomorrow."
                        ),
                    },
                ],
            },
            {
                "text": (
                    "A medical student finishes presenting a patient with fever and a productive "
                    "cough. Using the one-minute preceptor, what should the preceptor do first?"
                ),
                "general_feedback": (
                    "The one-minute preceptor begins by getting a commitment, which reveals the "
                    "learner's reasoning before any teaching."
                ),
                "choices": [
                    {
                        "text": (
                            "Explain the guideline for managing community-acquired pneumonia."
                        ),
                        "correct": False,
                        "feedback": (
                            "Teaching before hearing the student's thinking risks teaching the "
                            "wrong thing; a general rule comes third."
                        ),
                    },
                    {
                        "text": ('Ask, "What do you think is going on with this patient?"'),
                        "correct": True,
                        "feedback": (
                            "Correct. Getting a commitment is the first microskill and shows "
                            "where the student's reasoning stands."
                        ),
                    },
                    {
                        "text": ("Tell the student what was done well in the presentation."),
                        "correct": False,
                        "feedback": (
                            "Reinforcing what was done right is the fourth microskill, after "
                            "commitment, probing and a general rule."
                        ),
                    },
                    {
                        "text": ("Point out the parts of the history the student missed."),
                        "correct": False,
                        "feedback": (
                            "Correcting mistakes is the last microskill; starting with it skips "
                            "the student's own reasoning."
                        ),
                    },
                ],
            },
            {
                "text": (
                    "A third-year student reliably gathers accurate histories and reports them "
                    "clearly, but does not yet offer a differential diagnosis or a plan. In the "
                    "RIME framework, where is the student, and what should the teacher focus on?"
                ),
                "general_feedback": (
                    "RIME describes progression from Reporter to Interpreter, Manager and "
                    "Educator; teaching should target the next stage."
                ),
                "choices": [
                    {
                        "text": (
                            "Educator; ask the student to prepare a teaching session for the team."
                        ),
                        "correct": False,
                        "feedback": (
                            "Educator is the most advanced stage; a student who cannot yet "
                            "interpret findings is not there."
                        ),
                    },
                    {
                        "text": "Manager; focus on building treatment plans.",
                        "correct": False,
                        "feedback": (
                            "Managing comes after interpreting; the student has not yet shown a "
                            "differential diagnosis."
                        ),
                    },
                    {
                        "text": ("Interpreter; focus on appraising research evidence."),
                        "correct": False,
                        "feedback": (
                            "An interpreter already offers a prioritized differential, which this "
                            "student does not; appraising evidence belongs to the educator stage."
                        ),
                    },
                    {
                        "text": (
                            "Reporter; help the student move to interpreting by asking for a "
                            "prioritized problem list and differential."
                        ),
                        "correct": True,
                        "feedback": (
                            "Correct. Accurate gathering and reporting is the reporter stage; the "
                            "next step is interpretation."
                        ),
                    },
                ],
            },
        ],
    },
}


# Nested data (modules, lessons, quizzes, questions) that courses.demo reads by key.
COURSE: dict[str, Any] = {
    "slug": "leadership-in-medicine",
    "title": "Leadership in Medicine: The Post-USMLE Journey",
    "summary": (
        "A practical course for residents, physicians and nurses in the years after licensure, "
        "when clinical competence must grow into leadership. Six modules cover continuous "
        "learning, communication, teamwork, ethics, healthcare management and mentorship, built "
        "on established frameworks such as SBAR, TeamSTEPPS, SPIKES, the four principles of "
        "biomedical ethics, PDSA and the Quadruple Aim. Each module closes with a short, "
        "case-based quiz."
    ),
    "accredited_provider": (
        "Northfield Academic Medical Center, Office of Continuing Medical Education"
    ),
    "credit_type": "ama_pra_1",
    "max_credits": "4.25",
    "learning_format": "Enduring material (online)",
    "designation_statement": (
        "Northfield Academic Medical Center, Office of Continuing Medical Education, designates "
        "this enduring material for a maximum of 4.25 AMA PRA Category 1 Credits\u2122. "
        "Physicians should claim only the credit commensurate with the extent of their "
        "participation in the activity."
    ),
    "accreditation_statement": (
        "Northfield Academic Medical Center, Office of Continuing Medical Education, is "
        "accredited by the Accreditation Council for Continuing Medical Education (ACCME) to "
        "provide continuing medical education for physicians."
    ),
    "pass_mark_percent": 70,
    "modules": [
        _CONTINUOUS_LEARNING,
        _EFFECTIVE_COMMUNICATION,
        _TEAM_COLLABORATION,
        _ETHICS,
        _HEALTHCARE_MANAGEMENT,
        _MENTORSHIP,
    ],
}
