//! Scheduling fitted to the learner: their review log as the `fsrs` crate's training items, the
//! fit itself, how well parameters predict the answers, and the workload at each retention.
//! It runs in the optimizer worker ([`run`]), never on the page's thread.
//!
//! ```
//! use loam::core::review::fit::{training_set, MIN_ITEMS};
//! use loam::core::review::stats::Calendar;
//! let set = training_set(&[], Calendar { utc_offset_ms: 0.0 });
//! assert!(set.items.len() < MIN_ITEMS);
//! ```

use std::collections::HashMap;

use fsrs::{
    compute_parameters, simulate, ComputeParametersInput, FSRSItem, FSRSReview, SimulatorConfig,
    DEFAULT_PARAMETERS, FSRS,
};
use serde::{Deserialize, Serialize};

use crate::core::review::schedule::CardState;
use crate::core::review::stats::Calendar;
use crate::core::review::ReviewRecord;
use crate::core::sort_by;

/// Fewer training items than this make a fit that says more about chance than about the
/// learner (Anki asks for as many).
pub const MIN_ITEMS: usize = 400;

/// The desired retentions the workload is shown for.
pub const RETENTIONS: std::ops::RangeInclusive<u32> = 70..=97;

/// The review log as training items.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrainingSet {
    pub items: Vec<FSRSItem>,
    /// Answers the items are made of (those before a card's last fresh start are left out).
    pub reviews: usize,
}

/// Turns the review log into training items as Anki does. A card's history starts at the
/// first answer of its last run of learning answers: its first answer ever, or the first after
/// it was reset. Days between answers are counted in the learner's local days, so repeats on
/// one day are 0 days apart. Every answer after the first makes one item (the history up to
/// it) when it came a day or more after the one before; items are ordered by answer time.
pub fn training_set(records: &[ReviewRecord], calendar: Calendar) -> TrainingSet {
    let mut by_card: HashMap<&str, Vec<&ReviewRecord>> = HashMap::new();
    for record in records {
        by_card
            .entry(record.card_id.as_str())
            .or_default()
            .push(record);
    }
    let mut cards: Vec<(&str, Vec<&ReviewRecord>)> = by_card.into_iter().collect();
    // The same set of items whatever order the log was read in.
    sort_by(&mut cards, |a, b| a.0.cmp(b.0));
    let mut timed: Vec<(f64, FSRSItem)> = Vec::new();
    let mut reviews = 0;
    for (_, mut history) in cards {
        sort_by(&mut history, |a, b| a.log.time.total_cmp(&b.log.time));
        let Some(start) = last_fresh_start(&history) else {
            continue;
        };
        let history = &history[start..];
        reviews += history.len();
        let mut so_far: Vec<FSRSReview> = Vec::with_capacity(history.len());
        let mut previous_day = None;
        for record in history {
            let day = calendar.day(record.log.time);
            let delta_t = previous_day.map_or(0, |p: i64| (day - p).max(0) as u32);
            previous_day = Some(day);
            so_far.push(FSRSReview {
                rating: u32::from(record.log.rating.number()),
                delta_t,
            });
            if so_far.len() > 1 && delta_t > 0 {
                timed.push((
                    record.log.time.ms(),
                    FSRSItem {
                        reviews: so_far.clone(),
                    },
                ));
            }
        }
    }
    sort_by(&mut timed, |a, b| a.0.total_cmp(&b.0));
    TrainingSet {
        items: timed.into_iter().map(|(_, item)| item).collect(),
        reviews,
    }
}

/// Where the last run of learning answers starts; `None` for a card never learnt from new
/// (its history is incomplete, so it teaches the fit nothing reliable).
fn last_fresh_start(history: &[&ReviewRecord]) -> Option<usize> {
    let learning = |r: &ReviewRecord| r.log.state_before == CardState::Learning;
    let last = history.iter().rposition(|r| learning(r))?;
    let mut start = last;
    while start > 0 && learning(history[start - 1]) {
        start -= 1;
    }
    Some(start)
}

/// How well parameters predict the answers: Anki's two figures (lower is better).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Accuracy {
    pub log_loss: f32,
    /// Root mean square error between predicted and actual recall, over bins of similar
    /// cards (Anki's "RMSE (bins)").
    pub rmse: f32,
}

/// Why fitting or measuring failed.
#[derive(Debug, Clone, PartialEq)]
pub enum FitError {
    /// Too little history: items there are, items needed.
    TooFew { items: usize, needed: usize },
    /// Stopped before it finished.
    Stopped,
    /// The crate refused, with its reason.
    Refused(String),
}

impl std::fmt::Display for FitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FitError::TooFew { items, needed } => write!(
                f,
                "Fitting needs at least {needed} answers given a day or more after the one \
                 before; your history has {items}, so {} more are needed.",
                needed - items
            ),
            FitError::Stopped => write!(f, "Stopped."),
            FitError::Refused(reason) => write!(f, "The fit could not be made: {reason}."),
        }
    }
}

fn refused(error: fsrs::FSRSError) -> FitError {
    match error {
        fsrs::FSRSError::Interrupted => FitError::Stopped,
        other => FitError::Refused(other.to_string()),
    }
}

/// Parameters fitted to these items. `relearning_steps`: how many steps follow a lapse.
pub fn fit(set: &TrainingSet, relearning_steps: usize) -> Result<Vec<f32>, FitError> {
    if set.items.len() < MIN_ITEMS {
        return Err(FitError::TooFew {
            items: set.items.len(),
            needed: MIN_ITEMS,
        });
    }
    compute_parameters(ComputeParametersInput {
        train_set: set.items.clone(),
        enable_short_term: true,
        num_relearning_steps: Some(relearning_steps.max(1)),
        ..ComputeParametersInput::default()
    })
    .map_err(refused)
}

/// How well `params` predict the answers of these items. `progress(done, total)` is told as it
/// goes and stops the work by returning false.
pub fn accuracy(
    params: &[f32],
    items: &[FSRSItem],
    mut progress: impl FnMut(usize, usize) -> bool,
) -> Result<Accuracy, FitError> {
    let model = FSRS::new(params).map_err(refused)?;
    let evaluation = model
        .evaluate(items.to_vec(), |p| progress(p.current, p.total))
        .map_err(refused)?;
    Ok(Accuracy {
        log_loss: evaluation.log_loss,
        rmse: evaluation.rmse_bins,
    })
}

/// What one desired retention costs and gives over the next year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Workload {
    /// In hundredths (70 to 97).
    pub retention: u32,
    /// Reviews a day, on average over the year (new cards' first answers not counted).
    pub reviews_per_day: f32,
    /// Cards known at the end of the year, as the model expects.
    pub remembered: f32,
}

/// What learning `new_per_day` new cards a day for a year would ask and give, at each
/// retention in [`RETENTIONS`].
pub fn workload(
    params: &[f32],
    new_per_day: u32,
    maximum_interval_days: u32,
    mut progress: impl FnMut(usize, usize) -> bool,
) -> Result<Vec<Workload>, FitError> {
    let new_per_day = new_per_day.max(1) as usize;
    let config = SimulatorConfig {
        deck_size: new_per_day * 365,
        learn_span: 365,
        max_cost_perday: f32::MAX,
        max_ivl: maximum_interval_days.max(1) as f32,
        learn_limit: new_per_day,
        ..SimulatorConfig::default()
    };
    let total = RETENTIONS.count();
    let mut points = Vec::with_capacity(total);
    for (done, retention) in RETENTIONS.enumerate() {
        if !progress(done, total) {
            return Err(FitError::Stopped);
        }
        let result =
            simulate(&config, params, retention as f32 / 100.0, Some(42), None).map_err(refused)?;
        let days = result.review_cnt_per_day.len().max(1) as f32;
        let learnt: usize = result.learn_cnt_per_day.iter().sum();
        let answered: usize = result.review_cnt_per_day.iter().sum();
        points.push(Workload {
            retention,
            reviews_per_day: answered.saturating_sub(learnt) as f32 / days,
            remembered: result.memorized_cnt_per_day.last().copied().unwrap_or(0.0),
        });
    }
    progress(total, total);
    Ok(points)
}

// ---------------------------------------------------------------------------------------------
// The optimizer worker's messages.

/// What the page asks the worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "ask")]
pub enum Request {
    /// Fit parameters to this snapshot of the review log and measure them against `current`.
    /// The page sends the log in slices before the request, as the browser stored it (see
    /// [`log_slice`]), so that reading it costs the page nothing.
    Fit {
        #[serde(default)]
        reviews: Vec<ReviewRecord>,
        utc_offset_ms: f64,
        current: Vec<f32>,
        relearning_steps: usize,
    },
    /// The workload at each retention, under these parameters.
    Workload {
        params: Vec<f32>,
        new_per_day: u32,
        maximum_interval_days: u32,
    },
}

impl Request {
    /// The request with `log` as its review log when it is a fit (the page sends the log in
    /// slices beside the request, see [`log_slice`]).
    pub fn with_reviews(self, log: Vec<ReviewRecord>) -> Request {
        match self {
            Request::Fit {
                utc_offset_ms,
                current,
                relearning_steps,
                ..
            } => Request::Fit {
                reviews: log,
                utc_offset_ms,
                current,
                relearning_steps,
            },
            other => other,
        }
    }
}

/// A slice of the review log as the page sends it to the worker: the stored records, as a JSON
/// array. A slice that cannot be read is refused whole.
pub fn log_slice(json: &str) -> Result<Vec<ReviewRecord>, FitError> {
    serde_json::from_str(json)
        .map_err(|_| FitError::Refused("the review history could not be read".into()))
}

/// The stages of a fit, in order, for the progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Reading,
    Fitting,
    CheckingCurrent,
    CheckingFitted,
    Simulating,
}

impl Stage {
    /// What the learner reads while it runs.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Reading => "Reading your review history…",
            Stage::Fitting => "Fitting parameters to your answers…",
            Stage::CheckingCurrent => "Checking how well your current parameters predict…",
            Stage::CheckingFitted => "Checking how well the fitted parameters predict…",
            Stage::Simulating => "Simulating a year at each retention…",
        }
    }

    /// The share of the whole job done when this stage is `part` (0 to 1) through.
    pub fn overall(self, part: f64) -> f64 {
        let (start, length) = match self {
            Stage::Reading => (0.0, 0.05),
            Stage::Fitting => (0.05, 0.65),
            Stage::CheckingCurrent => (0.70, 0.15),
            Stage::CheckingFitted => (0.85, 0.15),
            Stage::Simulating => (0.0, 1.0),
        };
        start + length * part.clamp(0.0, 1.0)
    }
}

/// A fit's result: the parameters and how both sets predict the learner's answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    pub params: Vec<f32>,
    /// Answers used and the items made of them.
    pub reviews: usize,
    pub items: usize,
    pub current: Accuracy,
    pub fitted: Accuracy,
}

impl Fitted {
    /// Whether the fitted parameters predict at least as well as the current ones on both
    /// figures; otherwise there is nothing to gain from them.
    pub fn is_better(&self) -> bool {
        self.fitted.log_loss <= self.current.log_loss && self.fitted.rmse <= self.current.rmse
    }
}

/// What the worker tells the page. It travels as numbers ([`Reply::to_numbers`]) rather than
/// JSON, so the page reads it without a parser of its own for these types (the app's download
/// stays as it was); a failure travels as its text.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Progress {
        stage: Stage,
        done: usize,
        total: usize,
    },
    Fitted(Fitted),
    Workload {
        points: Vec<Workload>,
    },
    Failed {
        error: FitError,
    },
}

const STAGES: [Stage; 5] = [
    Stage::Reading,
    Stage::Fitting,
    Stage::CheckingCurrent,
    Stage::CheckingFitted,
    Stage::Simulating,
];

impl Reply {
    /// The reply as the numbers the worker posts; `None` for a failure, which goes as text.
    pub fn to_numbers(&self) -> Option<Vec<f64>> {
        Some(match self {
            Reply::Progress { stage, done, total } => {
                let index = STAGES.iter().position(|s| s == stage).unwrap_or(0);
                vec![0.0, index as f64, *done as f64, *total as f64]
            }
            Reply::Fitted(f) => {
                let mut numbers = vec![
                    1.0,
                    f.reviews as f64,
                    f.items as f64,
                    f64::from(f.current.log_loss),
                    f64::from(f.current.rmse),
                    f64::from(f.fitted.log_loss),
                    f64::from(f.fitted.rmse),
                ];
                numbers.extend(f.params.iter().map(|&p| f64::from(p)));
                numbers
            }
            Reply::Workload { points } => std::iter::once(2.0)
                .chain(points.iter().flat_map(|p| {
                    [
                        f64::from(p.retention),
                        f64::from(p.reviews_per_day),
                        f64::from(p.remembered),
                    ]
                }))
                .collect(),
            Reply::Failed { .. } => return None,
        })
    }

    /// Reads what [`Reply::to_numbers`] wrote; `None` for anything else.
    pub fn from_numbers(numbers: &[f64]) -> Option<Reply> {
        let (&kind, rest) = numbers.split_first()?;
        let count = |x: f64| (x.is_finite() && x >= 0.0).then_some(x as usize);
        match (kind as u8, rest) {
            (0, [stage, done, total]) => Some(Reply::Progress {
                stage: *STAGES.get(count(*stage)?)?,
                done: count(*done)?,
                total: count(*total)?,
            }),
            (1, [reviews, items, cll, crmse, fll, frmse, params @ ..]) => {
                Some(Reply::Fitted(Fitted {
                    params: params.iter().map(|&p| p as f32).collect(),
                    reviews: count(*reviews)?,
                    items: count(*items)?,
                    current: Accuracy {
                        log_loss: *cll as f32,
                        rmse: *crmse as f32,
                    },
                    fitted: Accuracy {
                        log_loss: *fll as f32,
                        rmse: *frmse as f32,
                    },
                }))
            }
            (2, points) if points.len() % 3 == 0 => Some(Reply::Workload {
                points: points
                    .chunks(3)
                    .map(|p| Workload {
                        retention: p[0] as u32,
                        reviews_per_day: p[1] as f32,
                        remembered: p[2] as f32,
                    })
                    .collect(),
            }),
            _ => None,
        }
    }
}

/// Does what `request` asks, telling `tell` its progress and then its result.
pub fn run(request: Request, tell: &mut dyn FnMut(Reply)) {
    let outcome = match request {
        Request::Fit {
            reviews,
            utc_offset_ms,
            current,
            relearning_steps,
        } => fit_and_measure(&reviews, utc_offset_ms, current, relearning_steps, tell)
            .map(Reply::Fitted),
        Request::Workload {
            params,
            new_per_day,
            maximum_interval_days,
        } => workload(
            &params,
            new_per_day,
            maximum_interval_days,
            |done, total| {
                tell(Reply::Progress {
                    stage: Stage::Simulating,
                    done,
                    total,
                });
                true
            },
        )
        .map(|points| Reply::Workload { points }),
    };
    tell(outcome.unwrap_or_else(|error| Reply::Failed { error }));
}

fn fit_and_measure(
    reviews: &[ReviewRecord],
    utc_offset_ms: f64,
    current: Vec<f32>,
    relearning_steps: usize,
    tell: &mut dyn FnMut(Reply),
) -> Result<Fitted, FitError> {
    let mut stage = |stage: Stage, done: usize, total: usize| {
        tell(Reply::Progress { stage, done, total });
        true
    };
    stage(Stage::Reading, 0, 1);
    let set = training_set(reviews, Calendar { utc_offset_ms });
    stage(Stage::Fitting, 0, 1);
    let params = fit(&set, relearning_steps)?;
    let current = if current.is_empty() {
        DEFAULT_PARAMETERS.to_vec()
    } else {
        current
    };
    let current_accuracy = accuracy(&current, &set.items, |done, total| {
        stage(Stage::CheckingCurrent, done, total)
    })?;
    let fitted_accuracy = accuracy(&params, &set.items, |done, total| {
        stage(Stage::CheckingFitted, done, total)
    })?;
    Ok(Fitted {
        params,
        reviews: set.reviews,
        items: set.items.len(),
        current: current_accuracy,
        fitted: fitted_accuracy,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::review::history::{history, record, unusual};
    use crate::core::review::schedule::Rating;
    use crate::core::time::{Span, Time};

    const T0: Time = Time::from_ms(1_767_225_600_000.0); // 2026-01-01T00:00:00Z
    const UTC: Calendar = Calendar { utc_offset_ms: 0.0 };

    fn shape(set: &TrainingSet) -> Vec<Vec<(u32, u32)>> {
        set.items
            .iter()
            .map(|item| item.reviews.iter().map(|r| (r.rating, r.delta_t)).collect())
            .collect()
    }

    #[test]
    fn a_history_becomes_one_item_per_later_day() {
        use CardState::*;
        let day = |d: f64| T0 + Span::days(d);
        let records = [
            record("a", day(0.0), Rating::Again, Learning),
            // Same day: part of the history, not an item of its own.
            record("a", day(0.0) + Span::MINUTE, Rating::Good, Learning),
            record("a", day(1.0), Rating::Good, Review),
            record("a", day(4.0), Rating::Hard, Review),
        ];
        let set = training_set(&records, UTC);
        assert_eq!(set.reviews, 4);
        assert_eq!(
            shape(&set),
            [
                vec![(1, 0), (3, 0), (3, 1)],
                vec![(1, 0), (3, 0), (3, 1), (2, 3)]
            ]
        );
    }

    #[test]
    fn a_reset_starts_the_history_over_and_cards_never_learnt_are_left_out() {
        use CardState::*;
        let day = |d: f64| T0 + Span::days(d);
        let records = [
            record("a", day(0.0), Rating::Good, Learning),
            record("a", day(2.0), Rating::Good, Review),
            // Reset: new again, learnt afresh.
            record("a", day(10.0), Rating::Easy, Learning),
            record("a", day(15.0), Rating::Good, Review),
            // Imported with its progress: no learning answer.
            record("b", day(0.0), Rating::Good, Review),
            record("b", day(3.0), Rating::Good, Review),
        ];
        let set = training_set(&records, UTC);
        assert_eq!(shape(&set), [vec![(4, 0), (3, 5)]]);
        assert_eq!(set.reviews, 2);
    }

    #[test]
    fn days_are_the_learners_local_days_and_items_follow_answer_time() {
        use CardState::*;
        // 22:00 and 01:00 UTC fall on two days in UTC, but on one (00:00 and 03:00) at UTC+2.
        let late = T0 + Span::HOUR * 22.0;
        let early = T0 + Span::HOUR * 25.0;
        let records = [
            record("b", T0 + Span::days(3.0), Rating::Good, Review),
            record("b", T0, Rating::Good, Learning),
            record("a", late, Rating::Good, Learning),
            record("a", early, Rating::Good, Review),
        ];
        let plus_two = Calendar {
            utc_offset_ms: 2.0 * 3_600_000.0,
        };
        assert_eq!(
            shape(&training_set(&records, UTC)),
            [vec![(3, 0), (3, 1)], vec![(3, 0), (3, 3)]]
        );
        assert_eq!(
            shape(&training_set(&records, plus_two)),
            [vec![(3, 0), (3, 3)]]
        );
    }

    #[test]
    fn fitted_parameters_predict_held_back_answers_better_than_the_defaults() {
        let truth = unusual();
        let records = history(&truth, &DEFAULT_PARAMETERS, 600, 7);
        // Every fifth card is held back from the fit.
        let held_back = |r: &ReviewRecord| {
            r.card_id
                .trim_start_matches("card-")
                .parse::<usize>()
                .unwrap()
                % 5
                == 0
        };
        let (test, train): (Vec<ReviewRecord>, Vec<ReviewRecord>) =
            records.into_iter().partition(held_back);
        let train = training_set(&train, UTC);
        let test = training_set(&test, UTC);
        assert!(
            train.items.len() >= MIN_ITEMS,
            "{} items",
            train.items.len()
        );
        let fitted = fit(&train, 1).unwrap();
        assert_eq!(fitted.len(), 21);
        let default = accuracy(&DEFAULT_PARAMETERS, &test.items, |_, _| true).unwrap();
        let better = accuracy(&fitted, &test.items, |_, _| true).unwrap();
        let true_fit = accuracy(&truth, &test.items, |_, _| true).unwrap();
        println!("log loss: defaults {default:?}, fitted {better:?}, truth {true_fit:?}");
        assert!(
            better.log_loss < default.log_loss,
            "{better:?} vs {default:?}"
        );
        assert!(better.rmse < default.rmse, "{better:?} vs {default:?}");
    }

    /// The history the end-to-end test gives the worker, with the parameters and figures a
    /// native fit finds for it: the worker must find the same. `LOAM_WRITE_FIXTURES=1` writes it
    /// again after a change to the generator.
    #[test]
    fn the_fixture_holds_the_native_fit_of_its_history() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/fit_history.json"
        );
        let records = history(&unusual(), &DEFAULT_PARAMETERS, 150, 11);
        let set = training_set(&records, UTC);
        let params = fit(&set, 1).unwrap();
        let fitted = accuracy(&params, &set.items, |_, _| true).unwrap();
        let state = |s: CardState| match s {
            CardState::Learning => "learning",
            CardState::Review => "review",
            CardState::Relearning => "relearning",
        };
        let compact: Vec<serde_json::Value> = records
            .iter()
            .map(|r| {
                serde_json::json!([
                    r.card_id.as_str(),
                    r.log.time.ms(),
                    r.log.rating.number(),
                    state(r.log.state_before)
                ])
            })
            .collect();
        let fixture = serde_json::json!({
            "reviews": compact,
            "items": set.items.len(),
            "params": params,
            "log_loss": fitted.log_loss,
            "rmse": fitted.rmse,
        });
        if std::env::var_os("LOAM_WRITE_FIXTURES").is_some() {
            std::fs::write(path, serde_json::to_string(&fixture).unwrap() + "\n").unwrap();
        }
        let stored: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_default())
                .unwrap_or_default();
        let again = "is not the native fit of its history: run with LOAM_WRITE_FIXTURES=1";
        assert!(stored["reviews"] == fixture["reviews"], "{path} {again}");
        assert_eq!(stored["items"], fixture["items"], "{path} {again}");
        // The crate sums some figures in hash-map order, so the last bits may differ.
        let close = |a: &serde_json::Value, b: &serde_json::Value| {
            (a.as_f64().unwrap() - b.as_f64().unwrap()).abs() < 1e-4
        };
        let stored_params = stored["params"].as_array().unwrap();
        assert_eq!(stored_params.len(), 21);
        for (a, b) in stored_params
            .iter()
            .zip(fixture["params"].as_array().unwrap())
        {
            assert!(close(a, b), "{a} vs {b}: {path} {again}");
        }
        assert!(close(&stored["log_loss"], &fixture["log_loss"]));
    }

    #[test]
    fn too_little_history_says_how_much_more_is_needed() {
        let records = history(&DEFAULT_PARAMETERS, &DEFAULT_PARAMETERS, 10, 1);
        let set = training_set(&records, UTC);
        let Err(FitError::TooFew { items, needed }) = fit(&set, 1) else {
            panic!("a fit from {} items", set.items.len());
        };
        assert_eq!((items, needed), (set.items.len(), MIN_ITEMS));
        assert!(FitError::TooFew { items, needed }
            .to_string()
            .contains(&format!("{} more", MIN_ITEMS - items)));
    }

    #[test]
    fn the_worker_reports_stages_then_the_fit() {
        let records = history(&unusual(), &DEFAULT_PARAMETERS, 300, 3);
        let mut replies = Vec::new();
        run(
            Request::Fit {
                reviews: records,
                utc_offset_ms: 0.0,
                current: Vec::new(),
                relearning_steps: 1,
            },
            &mut |reply| replies.push(reply),
        );
        let stages: Vec<Stage> = replies
            .iter()
            .filter_map(|r| match r {
                Reply::Progress { stage, .. } => Some(*stage),
                _ => None,
            })
            .collect();
        assert_eq!(stages.first(), Some(&Stage::Reading));
        assert!(stages.contains(&Stage::Fitting));
        assert_eq!(stages.last(), Some(&Stage::CheckingFitted));
        let Some(Reply::Fitted(fitted)) = replies.last() else {
            panic!("{:?}", replies.last());
        };
        assert!(fitted.is_better(), "{fitted:?}");
        // Every message survives the trip to the page as numbers.
        for reply in &replies {
            let numbers = reply.to_numbers().unwrap();
            assert_eq!(Reply::from_numbers(&numbers).as_ref(), Some(reply));
        }
    }

    #[test]
    fn the_log_sent_in_slices_joins_the_request() {
        let records = history(&unusual(), &DEFAULT_PARAMETERS, 3, 1);
        let (first, second) = records.split_at(records.len() / 2);
        let mut log = log_slice(&serde_json::to_string(first).unwrap()).unwrap();
        log.extend(log_slice(&serde_json::to_string(second).unwrap()).unwrap());
        let request = Request::Fit {
            reviews: Vec::new(),
            utc_offset_ms: 0.0,
            current: Vec::new(),
            relearning_steps: 1,
        };
        let text = serde_json::to_string(&request).unwrap();
        let sent: Request = serde_json::from_str(&text).unwrap();
        let Request::Fit { reviews, .. } = sent.with_reviews(log) else {
            panic!("not a fit");
        };
        assert_eq!(reviews, records);
        assert!(matches!(
            log_slice("[{\"not\": \"a review\"}]"),
            Err(FitError::Refused(_))
        ));
    }

    #[test]
    fn the_workload_grows_with_the_retention_asked_for() {
        let points = workload(&DEFAULT_PARAMETERS, 2, 36_500, |_, _| true).unwrap();
        let reply = Reply::Workload {
            points: points.clone(),
        };
        assert_eq!(
            Reply::from_numbers(&reply.to_numbers().unwrap()),
            Some(reply)
        );
        assert_eq!(Reply::from_numbers(&[2.0, 70.0]), None);
        assert_eq!(Reply::from_numbers(&[9.0]), None);
        assert_eq!(Reply::from_numbers(&[]), None);
        assert_eq!(points.len(), RETENTIONS.count());
        assert_eq!(points.first().unwrap().retention, 70);
        assert_eq!(points.last().unwrap().retention, 97);
        assert!(points.last().unwrap().reviews_per_day > points[0].reviews_per_day);
        assert!(points.last().unwrap().remembered > points[0].remembered);
        assert!(points.iter().all(|p| p.remembered <= 730.0));
    }
}
