//! The statistics page: cards by state, due forecast (of the library or one course), reviews
//! per day (a month of bars and a year of days), and true retention per period. Charts are SVG
//! drawn here from core geometry, over scales of round numbers.

use leptos::prelude::*;

use super::{dynamic, Show};

use crate::app::{calendar, AppState};

use crate::core::chart::{self, Bar};
use crate::core::review::schedule::ReviewLog;
use crate::core::review::stats::{self, CardStanding};
use crate::core::review::ReviewRecord;
use crate::core::study::{covers, Scope};
use crate::core::time::{Span, Time};

const CHART_WIDTH: f64 = 600.0;
const CHART_HEIGHT: f64 = 120.0;

#[component]
pub fn StatsPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let log = LocalResource::new(move || async move {
        state.data.deck.track();
        state.review_log().await
    });
    let now = crate::app::now();

    let counts = move || {
        state.data.deck.with(|deck| {
            stats::count_states(deck.cards().filter(|c| c.in_deck && !c.retired).map(|c| {
                CardStanding {
                    state: c.schedule.state,
                    is_new: c.schedule.is_new(),
                    suspended: c.suspended,
                }
            }))
        })
    };
    // The forecast of every card, or of one course's ("" for every card).
    let course = RwSignal::new(String::new());
    let forecast = move || {
        let scope = course.with(|id| match id.as_str() {
            "" => Scope::All,
            id => Scope::Course(id.to_string()),
        });
        let notes = state.scope_notes(&scope);
        state.data.deck.with(|deck| {
            stats::due_forecast(
                deck.cards()
                    .filter(|c| {
                        c.in_review() && !c.schedule.is_new() && covers(notes.as_ref(), &c.note_id)
                    })
                    .map(|c| c.schedule.due),
                now,
                30,
                calendar(),
            )
        })
    };

    view! {
        <section class="stats" aria-labelledby="stats-heading">
            <h1 id="stats-heading">"Statistics"</h1>
            <h2>"Cards"</h2>
            {dynamic(move || {
                let c = counts();
                view! {
                    <dl class="state-counts" aria-label="Cards by state">
                        <div><dt>"New"</dt><dd>{c.new}</dd></div>
                        <div><dt>"Learning"</dt><dd>{c.learning}</dd></div>
                        <div><dt>"Review"</dt><dd>{c.review}</dd></div>
                        <div><dt>"Relearning"</dt><dd>{c.relearning}</dd></div>
                        <div><dt>"Suspended"</dt><dd>{c.suspended}</dd></div>
                    </dl>
                }
            })}
            <h2>"Due in the next 30 days"</h2>
            <Show when=move || state.data.courses.with(|c| !c.is_empty())>
                <label class="forecast-of">
                    "Cards of "
                    <select on:change=move |e| course.set(event_target_value(&e)) prop:value=move || course.get()>
                        <option value="">"your whole library"</option>
                        {move || state.data.courses.get().into_iter().map(|c| view! {
                            <option value=c.id.clone()>{format!("the course “{}”", c.title)}</option>
                        }).collect_view()}
                    </select>
                </label>
            </Show>
            {dynamic(move || {
                let values = forecast();
                let total: u32 = values.iter().sum();
                if total == 0 {
                    return view! { <p class="muted">"No cards are due in the next 30 days."</p> }
                        .into_any();
                }
                view! {
                    <p class="muted">{format!("{total} cards, {} today", values.first().copied().unwrap_or(0))}</p>
                    <BarChart values=values label="Cards due per day, today first"
                        x_labels=(0..5).map(|w| (w * 7, if w == 0 { "today".to_string() } else { format!("in {} d", w * 7) })).collect() />
                }
                .into_any()
            })}
            <Suspense fallback=|| view! { <p class="muted">"Reading your review log…"</p> }>
                {dynamic(move || log.get().map(|result| match result {
                    Ok(records) => view! { <LogStats records=records now=now /> }.into_any(),
                    Err(problem) => view! { <p role="alert">{problem.to_string()}</p> }.into_any(),
                }))}
            </Suspense>
        </section>
    }
}

/// The parts of the page drawn from the review log.
#[component]
fn LogStats(records: Vec<ReviewRecord>, now: Time) -> impl IntoView {
    let logs: Vec<ReviewLog> = records.into_iter().map(|r| r.log).collect();
    let cal = calendar();
    let month = stats::reviews_per_day(&logs, now, 30, cal);
    let year = stats::reviews_per_day(&logs, now, 365, cal);
    let today_start = cal.day_start(cal.day(now));
    let periods = [
        ("Today", today_start),
        ("Last 7 days", today_start - Span::days(6.0)),
        ("Last 30 days", today_start - Span::days(29.0)),
        ("Last 365 days", today_start - Span::days(364.0)),
        ("All time", Time::from_ms(f64::NEG_INFINITY)),
    ];
    let retention_rows = periods
        .into_iter()
        .map(|(label, since)| {
            let r = stats::true_retention(&logs, since, now);
            let rate = r
                .rate()
                .map(|rate| format!("{:.1}%", rate * 100.0))
                .unwrap_or_else(|| "–".to_string());
            view! {
                <tr>
                    <th scope="row">{label}</th>
                    <td>{rate}</td>
                    <td>{format!("{} of {}", r.passed, r.total)}</td>
                </tr>
            }
        })
        .collect_view();
    let month_total: u32 = month.iter().sum();
    // The year's first day is 364 days before today; rows are weekdays, Monday first.
    let first_day = cal.day(now) - 364;
    let first_weekday = (first_day + 3).rem_euclid(7) as usize; // day 0 (1970-01-01) was a Thursday
    view! {
        <h2>"Reviews in the last 30 days"</h2>
        <p class="muted">{format!("{month_total} answers, {} today", month.last().copied().unwrap_or(0))}</p>
        {(month_total > 0).then(|| view! {
            <BarChart values=month label="Answers per day, oldest first"
                x_labels=(0..5).map(|w| (29 - w * 7, if w == 0 { "today".to_string() } else { format!("{} d ago", w * 7) })).collect() />
        })}
        <h2>"The last year"</h2>
        <Heatmap values=year first_weekday=first_weekday />
        <h2>"True retention"</h2>
        <p class="muted">"Share of answers to cards in review that were not “Again”."</p>
        <table class="retention">
            <thead><tr><th scope="col">"Period"</th><th scope="col">"Retention"</th><th scope="col">"Answers"</th></tr></thead>
            <tbody>{retention_rows}</tbody>
        </table>
    }
}

/// Bars over a scale of round numbers (so a reader can check each bar), with the days named
/// below at `x_labels` (index of the bar, words). The numbers are also in the label.
#[component]
fn BarChart(
    values: Vec<u32>,
    label: &'static str,
    x_labels: Vec<(usize, String)>,
) -> impl IntoView {
    let axis = chart::axis(values.iter().copied().max().unwrap_or(0));
    let bars = chart::bars_to(&values, CHART_WIDTH, CHART_HEIGHT, axis.top);
    let count = values.len().max(1) as f64;
    let top = f64::from(axis.top.max(1));
    view! {
        <figure class="chart bar-chart">
            <div class="chart-plot">
                <div class="chart-y" aria-hidden="true">
                    {axis.ticks.iter().map(|&t| view! {
                        <span style=format!("bottom: {}%", f64::from(t) / top * 100.0)>{t}</span>
                    }).collect_view()}
                </div>
                <svg
                    viewBox=format!("0 0 {CHART_WIDTH} {CHART_HEIGHT}")
                    preserveAspectRatio="none"
                    role="img"
                    aria-label=format!("{label}: {}", values.iter().map(u32::to_string).collect::<Vec<_>>().join(", "))
                >
                    {axis.ticks.iter().map(|&t| {
                        let y = CHART_HEIGHT - CHART_HEIGHT * f64::from(t) / top;
                        view! { <line x1="0" y1=y x2=CHART_WIDTH y2=y class=if t == 0 { "axis" } else { "grid" } /> }
                    }).collect_view()}
                    {bars.into_iter().map(|Bar { x, y, width, height, value }| view! {
                        <rect x=x y=y width=width height=height class="bar">
                            <title>{value.to_string()}</title>
                        </rect>
                    }).collect_view()}
                </svg>
            </div>
            <div class="chart-x" aria-hidden="true">
                {x_labels.into_iter().map(|(i, words)| view! {
                    <span style=format!("left: {}%", (i as f64 + 0.5) / count * 100.0)>{words}</span>
                }).collect_view()}
            </div>
        </figure>
    }
}

#[component]
fn Heatmap(values: Vec<u32>, first_weekday: usize) -> impl IntoView {
    const CELL: f64 = 11.0;
    let cells = chart::heatmap(&values, first_weekday);
    let weeks = cells.last().map(|c| c.week + 1).unwrap_or(0);
    let active = values.iter().filter(|v| **v > 0).count();
    view! {
        <figure class="chart heatmap">
            <svg
                viewBox=format!("0 0 {} {}", weeks as f64 * CELL, 7.0 * CELL)
                role="img"
                aria-label=format!("Reviews on each day of the last year: {active} days with reviews")
            >
                {cells.into_iter().map(|cell| view! {
                    <rect
                        x=cell.week as f64 * CELL
                        y=cell.weekday as f64 * CELL
                        width=CELL - 2.0
                        height=CELL - 2.0
                        rx="2"
                        class=format!("heat heat-{}", cell.shade)
                    >
                        <title>{cell.value.to_string()}</title>
                    </rect>
                }).collect_view()}
            </svg>
            <figcaption><span>"a year ago"</span><span>"today"</span></figcaption>
        </figure>
    }
}
