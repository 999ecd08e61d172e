//! Settings' "Scheduling fitted to you" and "What retention should I aim for?": the optimizer
//! worker's progress and results, and the choice to use, keep or restore parameters.

use leptos::prelude::*;

use super::dynamic;

use crate::app::optimize::Job;
use crate::app::AppState;
use crate::core::chart::{self, Bar};
use crate::core::plural;
use crate::core::review::fit::{Accuracy, Fitted, Workload};

const CHART_WIDTH: f64 = 600.0;
const CHART_HEIGHT: f64 = 120.0;

#[component]
pub fn OptimizeSection() -> impl IntoView {
    let state = expect_context::<AppState>();
    let fit = state.view.optimizer.fit;
    let in_use = move || {
        if state.data.settings.with(|s| s.uses_default_params()) {
            "In use: FSRS's default parameters, made from many learners' reviews."
        } else {
            "In use: parameters fitted to your own answers."
        }
    };
    let restorable = move || state.data.settings.with(|s| !s.earlier_params.is_empty());
    view! {
        <section class="optimize" aria-labelledby="optimize-heading">
            <h2 id="optimize-heading">"Scheduling fitted to you"</h2>
            <p class="help">
                "Loam schedules cards with FSRS. Parameters fitted to your own review history predict your memory better than the defaults. The fit runs in the background: keep reviewing and writing meanwhile."
            </p>
            <p class="in-use">{in_use}</p>
            {dynamic(move || match fit.get() {
                Job::Idle => view! {
                    <button type="button" on:click=move |_| state.optimize()>"Optimize my scheduling"</button>
                }.into_any(),
                Job::Running { doing, done } => view! {
                    <Progress id="fit-progress" doing=doing done=done />
                    <button type="button" on:click=move |_| state.cancel_optimize()>"Cancel"</button>
                }.into_any(),
                Job::Done(fitted) => view! { <FitResult fitted=fitted /> }.into_any(),
                Job::Failed(problem) => view! {
                    <p class="field-error" role="alert">{problem}</p>
                    <button type="button" on:click=move |_| state.optimize()>"Optimize my scheduling"</button>
                }.into_any(),
            })}
            <Show when=restorable>
                <p>
                    <button type="button" on:click=move |_| state.restore_params()>
                        "Restore the earlier parameters"
                    </button>
                </p>
            </Show>
        </section>
        <WorkloadSection />
    }
}

#[component]
fn Progress(id: &'static str, doing: &'static str, done: f64) -> impl IntoView {
    view! {
        <div class="job">
            <label for=id>{doing}</label>
            <progress id=id max="100" value=format!("{:.0}", done * 100.0)></progress>
        </div>
    }
}

#[component]
fn FitResult(fitted: Fitted) -> impl IntoView {
    let state = expect_context::<AppState>();
    let better = fitted.is_better();
    let row = |name: &'static str, accuracy: Accuracy| {
        view! {
            <tr>
                <th scope="row">{name}</th>
                <td>{format!("{:.4}", accuracy.log_loss)}</td>
                <td>{format!("{:.2}%", accuracy.rmse * 100.0)}</td>
            </tr>
        }
    };
    let params = fitted.params.clone();
    view! {
        <table class="fit-figures">
            <caption>
                {format!(
                    "How well each predicts your {} answers ({} to learn from); lower is better",
                    fitted.reviews, fitted.items,
                )}
            </caption>
            <thead>
                <tr>
                    <th scope="col">"Parameters"</th>
                    <th scope="col">"Log loss"</th>
                    <th scope="col">"RMSE (bins)"</th>
                </tr>
            </thead>
            <tbody>
                {row("In use now", fitted.current)}
                {row("Fitted to you", fitted.fitted)}
            </tbody>
        </table>
        {if better {
            view! {
                <p role="status">"The fitted parameters predict your answers better."</p>
                <div class="actions">
                    <button type="button" class="primary" on:click=move |_| state.adopt_params(params.clone())>
                        "Use the fitted parameters"
                    </button>
                    <button type="button" on:click=move |_| state.dismiss_fit()>"Keep the current ones"</button>
                </div>
            }
                .into_any()
        } else {
            view! {
                <p role="status">
                    "The parameters in use already predict your answers as well as the fit: nothing to change."
                </p>
                <button type="button" on:click=move |_| state.dismiss_fit()>"Close"</button>
            }
                .into_any()
        }}
    }
}

#[component]
fn WorkloadSection() -> impl IntoView {
    let state = expect_context::<AppState>();
    let job = state.view.optimizer.workload;
    let current = move || {
        state
            .data
            .settings
            .with(|s| (s.scheduler.desired_retention * 100.0).round() as u32)
    };
    view! {
        <section class="workload" aria-labelledby="workload-heading">
            <h2 id="workload-heading">"What retention should I aim for?"</h2>
            <p class="help">
                {move || format!(
                    "A simulation of a year of learning {} new cards a day with the parameters in use: how many reviews each day would ask on average, and how many cards you would know at the end, for each desired retention.",
                    state.data.settings.with(|s| s.new_per_day),
                )}
            </p>
            {dynamic(move || match job.get() {
                Job::Idle => view! {
                    <button type="button" on:click=move |_| state.simulate_workload()>"Simulate"</button>
                }.into_any(),
                Job::Running { doing, done } => view! {
                    <Progress id="workload-progress" doing=doing done=done />
                }.into_any(),
                Job::Done(points) => view! { <WorkloadChart points=points current=current() /> }.into_any(),
                Job::Failed(problem) => view! {
                    <p class="field-error" role="alert">{problem}</p>
                    <button type="button" on:click=move |_| state.simulate_workload()>"Simulate"</button>
                }.into_any(),
            })}
        </section>
    }
}

#[component]
fn WorkloadChart(points: Vec<Workload>, current: u32) -> impl IntoView {
    // Tenths of a review, so small decks still draw distinct bars.
    let values: Vec<u32> = points
        .iter()
        .map(|p| (p.reviews_per_day * 10.0).round() as u32)
        .collect();
    let bars = chart::bars(&values, CHART_WIDTH, CHART_HEIGHT);
    let chosen = points.iter().find(|p| p.retention == current).copied();
    let summary = chosen.map(|p| {
        format!(
            "At your desired retention of {}%: about {:.0} reviews a day, and {} known after a year.",
            p.retention,
            p.reviews_per_day,
            plural(p.remembered.round() as usize, "card")
        )
    });
    let label = format!(
        "Reviews a day for desired retention from {}% to {}%{}",
        points.first().map_or(0, |p| p.retention),
        points.last().map_or(0, |p| p.retention),
        chosen.map_or(String::new(), |p| format!(
            "; your choice, {}%, is marked",
            p.retention
        )),
    );
    view! {
        <figure class="chart workload-chart">
            <svg viewBox=format!("0 0 {CHART_WIDTH} {}", CHART_HEIGHT + 2.0) role="img" aria-label=label>
                <line x1="0" y1=CHART_HEIGHT x2=CHART_WIDTH y2=CHART_HEIGHT class="axis" />
                {bars
                    .into_iter()
                    .zip(&points)
                    .map(|(Bar { x, y, width, height, .. }, point)| {
                        let class = if point.retention == current { "bar current" } else { "bar" };
                        view! {
                            <rect x=x y=y width=width height=height class=class>
                                <title>{format!("{}%: {:.1} reviews a day", point.retention, point.reviews_per_day)}</title>
                            </rect>
                        }
                    })
                    .collect_view()}
            </svg>
            <figcaption>
                <span>{format!("{}%", points.first().map_or(0, |p| p.retention))}</span>
                <span>"desired retention"</span>
                <span>{format!("{}%", points.last().map_or(0, |p| p.retention))}</span>
            </figcaption>
        </figure>
        {summary.map(|text| view! { <p class="workload-summary">{text}</p> })}
        <details>
            <summary>"Every retention in figures"</summary>
            <table class="retention workload-table">
                <thead>
                    <tr>
                        <th scope="col">"Desired retention"</th>
                        <th scope="col">"Reviews a day"</th>
                        <th scope="col">"Known after a year"</th>
                    </tr>
                </thead>
                <tbody>
                    {points
                        .iter()
                        .map(|p| {
                            let mine = p.retention == current;
                            view! {
                                <tr class:current=mine>
                                    <th scope="row">
                                        {format!("{}%", p.retention)}
                                        {mine.then_some(" (your choice)")}
                                    </th>
                                    <td>{format!("{:.1}", p.reviews_per_day)}</td>
                                    <td>{format!("{:.0}", p.remembered)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </details>
    }
}
