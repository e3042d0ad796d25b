"""Goals: each school's and the district's goals, where each came from, and setting them from
last year's results (district staff set; a principal proposes their school's; district staff
approve or decline)."""

import streamlit as st

from monitor import text
from monitor.measures import goals
from monitor.ui import components, data, filters
from monitor.views import goal_setting
from monitor.writing import goalbook
from monitor.writing.records import DISTRICT, LIMITS

settings = data.settings()
f = filters.current()
scope = filters.scope()
as_of = settings.as_of_date()
year = settings.current_school_year()
where = f.school or DISTRICT
schools = data.schools(scope)
names = dict(zip(schools["school_code"], schools["school_name"], strict=True))
place = "the district" if f.school is None else names.get(f.school, f.school)
desk = data.goal_desk(scope)
deciding = goalbook.may_decide(desk.author)
proposing = goalbook.may_propose(desk.author, where)


st.title("Goals", anchor=False)
st.caption(f"{text.markdown(place[0].upper() + place[1:])} · {year} · as of "
           f"{as_of:%B %-d, %Y}. The goals every page measures against, and where each came "
           "from. The district's settings (config.toml) hold the defaults; district staff set "
           "a school's or the district's own from last year's results, and a principal "
           "proposes their school's for the district to approve. Every change is kept.")

st.subheader(f"Goals in force for {text.markdown(place)}", anchor=False)
components.show_table(goal_setting.in_force(settings, f.school), hide_index=True,
                      key="goals_in_force")

waiting = [p for p in data.proposals(scope, year) if where in (DISTRICT, p.scope)]
if waiting:
    st.subheader(f"{len(waiting)} proposal{'s' if len(waiting) > 1 else ''} waiting for the "
                 "district's decision", anchor=False)
    for proposal in waiting:
        label = settings.measures[proposal.measure].label
        with st.container(border=True):
            st.markdown(
                f"**{text.markdown(names.get(proposal.scope, proposal.scope))}** · "
                f"{text.markdown(label)} · "
                f"{goal_setting.subject_words(proposal.subject)}: "
                f"{goal_setting.goals_words(settings, proposal.measure, proposal.targets)}")
            st.caption(text.markdown(
                f"Proposed {proposal.proposed_at[:10]} by {proposal.proposed_by}"
                + (f" ({proposal.basis})" if proposal.basis else "")
                + f". Why: {proposal.reason}"))
            if deciding:
                note = st.text_input("Note to the principal (needed to decline)",
                                     key=f"goal_note_{proposal.id}",
                                     max_chars=LIMITS["decision_note"])
                approve, decline = st.columns(2)
                if approve.button("Approve", key=f"goal_approve_{proposal.id}",
                                  type="primary"):
                    components.attempt(lambda p=proposal, n=note: desk.decide(p.id, True, n),
                             "Goal approved: every page measures against it now.")
                if decline.button("Decline", key=f"goal_decline_{proposal.id}"):
                    components.attempt(lambda p=proposal, n=note: desk.decide(p.id, False, n),
                             "Proposal declined.")

if not (deciding or proposing):
    components.no_data(
        "Your role reads goals but does not set them." if scope.role == "viewer" else
        "A principal proposes their own school's goals: choose your school in the sidebar."
        if scope.role == "principal" else
        "Goals are set by district staff with every school in their access.")
else:
    verb = "Set" if deciding else "Propose"
    st.subheader(f"{verb} a goal for {text.markdown(place)}", anchor=False)
    st.caption("Start from where it ended last year. Each suggestion shows its arithmetic; "
               "the reason you give is kept with the goal and shown wherever it is used."
               + ("" if deciding else " The district approves a proposal before it counts."))
    choices = {m: c.label for m, c in settings.measures.items()}
    measure = st.selectbox("Measure", list(choices), format_func=choices.__getitem__,
                           key="goal_measure")
    subjects = list(goals.goal_subjects(measure))
    subject = st.selectbox("Subject", subjects, format_func=goal_setting.subject_words,
                           key="goal_subject")
    start, offered = data.goal_suggestions(scope, measure, subject, where, year)
    current = goals.goal_table(settings, measure, f.school, subject)
    st.markdown(f"**Last year:** {text.markdown(start.words)}  \n**Now:** "
                f"{text.markdown(goal_setting.goals_words(settings, measure, current))}, "
                f"{text.markdown(goals.origin_text(settings, measure, f.school, subject))}")
    usable = [s for s in offered if s.value is not None]
    for missing in (s for s in offered if s.value is None):
        st.caption(text.markdown(f"{missing.label}: not offered ({missing.why})."))
    own = goal_setting.Suggestion(goal_setting.OWN, "A goal of my own", None,
                                  "type the goal and say why")
    by_key = {s.key: s for s in [*usable, own]}
    picked = by_key[st.radio(
        "Start from", list(by_key), key="goal_suggestion",
        format_func=lambda k: (f"{by_key[k].label}: {by_key[k].value:.0f}%"
                               if by_key[k].value is not None else by_key[k].label),
        captions=[text.markdown(s.why) for s in by_key.values()])]
    calendar = settings.calendar_for(measure)
    last = calendar.ids[-1]
    with st.form("goal_form"):
        year_end = st.number_input(
            f"Goal at {calendar.label_of(last)} (year end), %", min_value=0.0, format="%g",
            max_value=100.0, step=1.0, key=f"goal_year_end_{picked.key}_{measure}_{subject}",
            value=picked.value if picked.value is not None else current.get(last))
        interim = {}
        if len(calendar.ids) > 1:
            start_from = goal_setting.interim_goals(settings, measure, subject, picked.value)
            st.caption("Goals at the windows before it: the district's trajectory moved to "
                       "end at the suggestion (change any). Left empty, the goal line runs "
                       "straight from the first window's result to the year end.")
            for column, window in zip(st.columns(len(calendar.ids) - 1), calendar.windows[:-1],
                                      strict=True):
                interim[window.id] = column.number_input(
                    f"{window.label}, %", min_value=0.0, max_value=100.0, step=1.0, format="%g",
                    value=start_from.get(window.id),
                    key=f"goal_at_{window.id}_{picked.key}_{measure}_{subject}")
        reason = st.text_area("Why this goal", key="goal_reason",
                              max_chars=LIMITS["goal_reason"],
                              placeholder="What the school will do to reach it, and why "
                              "this suggestion (or your own number).")
        if st.form_submit_button(f"{verb} goal", type="primary"):
            targets = {**interim, last: year_end}
            components.attempt(lambda: desk.set_goal(year, measure, where, subject, targets,
                                           picked.basis, reason),
                     "Goal set: every page measures against it now." if deciding
                     else "Proposed: the district office decides.")

history = data.goal_history(scope, where)
mine = data.goal_records(scope, where, year)
with st.expander(f"Every goal recorded for {text.markdown(place)} ({len(mine)}) and "
                 f"{len(history)} change(s)"):
    components.show_table(goal_setting.records_table(settings, mine), hide_index=True,
                          key="goals_records")
