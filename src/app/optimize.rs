//! Fitting the scheduler to the learner and simulating workloads, in the optimizer worker
//! (`src/optimizer.rs`). The page sends a snapshot and listens; the worker never stores
//! anything, and an accepted fit is stored through the write path like any settings change.

use std::cell::RefCell;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;

use super::{calendar, AppError, AppState};
use crate::browser::worker::{self, Message, Worker};
use crate::core::review::fit::{Fitted, Reply, Request, Workload};

/// The worker's start script, written by the build beside the page.
const SCRIPT: &str = "optimizer_loader.js";

/// A job of the worker, as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum Job<T> {
    Idle,
    /// Running: what it is doing and how far along the whole job is (0 to 1).
    Running {
        doing: &'static str,
        done: f64,
    },
    Done(T),
    Failed(String),
}

impl<T> Job<T> {
    pub fn is_running(&self) -> bool {
        matches!(self, Job::Running { .. })
    }
}

/// The two jobs the worker does; each runs in a worker of its own.
#[derive(Clone, Copy)]
pub struct Optimizer {
    pub fit: RwSignal<Job<Fitted>>,
    pub workload: RwSignal<Job<Vec<Workload>>>,
}

impl Optimizer {
    pub fn new() -> Self {
        Optimizer {
            fit: RwSignal::new(Job::Idle),
            workload: RwSignal::new(Job::Idle),
        }
    }
}

impl Default for Optimizer {
    fn default() -> Self {
        Self::new()
    }
}

thread_local! {
    static FITTING: RefCell<Option<Worker>> = const { RefCell::new(None) };
    static SIMULATING: RefCell<Option<Worker>> = const { RefCell::new(None) };
}

type Slot = &'static std::thread::LocalKey<RefCell<Option<Worker>>>;

impl AppState {
    /// Fits parameters to a snapshot of the review log, in the worker.
    pub fn optimize(self) {
        let job = self.view.optimizer.fit;
        if job.get_untracked().is_running() {
            return;
        }
        job.set(Job::Running {
            doing: "Reading your review history…",
            done: 0.0,
        });
        let settings = self.data.settings.get_untracked();
        let request = Request::Fit {
            reviews: Vec::new(),
            utc_offset_ms: calendar().utc_offset_ms,
            current: settings.scheduler.params.clone(),
            relearning_steps: settings.scheduler.relearning_steps.len(),
        };
        run(&FITTING, request, Some(self), job, |reply| match reply {
            Reply::Fitted(fitted) => Some(Job::Done(fitted)),
            _ => None,
        });
    }

    /// The workload at each desired retention under the parameters in use, in the worker.
    pub fn simulate_workload(self) {
        let job = self.view.optimizer.workload;
        if job.get_untracked().is_running() {
            return;
        }
        let settings = self.data.settings.get_untracked();
        let request = Request::Workload {
            params: settings.scheduler.params.clone(),
            new_per_day: settings.new_per_day,
            maximum_interval_days: settings.scheduler.maximum_interval_days,
        };
        job.set(Job::Running {
            doing: "Simulating a year at each retention…",
            done: 0.0,
        });
        run(&SIMULATING, request, None, job, |reply| match reply {
            Reply::Workload { points } => Some(Job::Done(points)),
            _ => None,
        });
    }

    /// Stops a fit under way; nothing changes.
    pub fn cancel_optimize(self) {
        stop(&FITTING);
        self.view.optimizer.fit.set(Job::Idle);
    }

    /// Puts fitted parameters in use, keeping the current ones to restore.
    pub fn adopt_params(self, params: Vec<f32>) {
        let settings = self.data.settings.get_untracked().adopting(params);
        self.save_review_settings(settings);
        self.view.optimizer.fit.set(Job::Idle);
        self.view.optimizer.workload.set(Job::Idle);
    }

    /// Puts back the parameters in use before the current ones.
    pub fn restore_params(self) {
        if let Some(settings) = self.data.settings.get_untracked().restoring() {
            self.save_review_settings(settings);
            self.view.optimizer.workload.set(Job::Idle);
        }
    }

    /// Leaves a finished fit unused.
    pub fn dismiss_fit(self) {
        self.view.optimizer.fit.set(Job::Idle);
    }
}

/// Starts a worker in `slot` for `request`, sending it the review log first when `log_of` is
/// given; its progress and result go to `job` (`finished` picks the result out of a reply). The
/// worker is stopped once it has answered.
fn run<T: Send + Sync + 'static>(
    slot: Slot,
    request: Request,
    log_of: Option<AppState>,
    job: RwSignal<Job<T>>,
    finished: impl Fn(Reply) -> Option<Job<T>> + 'static,
) {
    stop(slot);
    let Ok(request) = serde_json::to_string(&request) else {
        job.set(Job::Failed("The request could not be written.".into()));
        return;
    };
    let heard = move |message: Message| {
        let reply = match message {
            Message::Text(text) if text == "ready" => {
                let request = request.clone();
                spawn_local(async move {
                    if let Some(state) = log_of {
                        if let Err(problem) = send_log(state, slot).await {
                            stop(slot);
                            job.set(Job::Failed(problem.to_string()));
                            return;
                        }
                    }
                    post(slot, "ask", &request.into());
                });
                return;
            }
            // A failure comes as its words.
            Message::Text(problem) => {
                stop(slot);
                job.set(Job::Failed(problem));
                return;
            }
            Message::Numbers(numbers) => Reply::from_numbers(&numbers),
            Message::Carrying(..) => return,
        };
        match reply {
            Some(Reply::Progress { stage, done, total }) => {
                let part = if total == 0 {
                    0.0
                } else {
                    done as f64 / total as f64
                };
                job.set(Job::Running {
                    doing: stage.label(),
                    done: stage.overall(part),
                });
            }
            Some(other) => {
                if let Some(result) = finished(other) {
                    stop(slot);
                    job.set(result);
                }
            }
            None => {}
        }
    };
    let failed = move |problem: String| {
        stop(slot);
        job.set(Job::Failed(problem));
    };
    match worker::start(SCRIPT, heard, failed) {
        Ok(worker) => slot.with(|w| *w.borrow_mut() = Some(worker)),
        Err(problem) => job.set(Job::Failed(format!(
            "{problem} Loam fits and simulates only in the background, so it cannot here."
        ))),
    }
}

/// Entries of the review log sent to the worker per slice: each slice is read and copied in
/// one short task, and the page paints between them.
const LOG_SLICE: u32 = 2_000;

/// Sends the stored review log to the worker in `slot`, a slice at a time, as the browser holds
/// it (the page never parses it). Stops early if the worker is stopped meanwhile.
async fn send_log(state: AppState, slot: Slot) -> Result<(), AppError> {
    let mut after: Option<String> = None;
    loop {
        let page = state.review_log_page(after.as_deref(), LOG_SLICE).await?;
        let count = page.length();
        if count > 0 {
            after = js_sys::Reflect::get(&page.get(count - 1), &"id".into())
                .ok()
                .and_then(|id| id.as_string());
            if !post(slot, "log", &page) {
                return Ok(());
            }
        }
        if count < LOG_SLICE || after.is_none() {
            return Ok(());
        }
        crate::browser::frame::yield_now().await;
    }
}

/// Posts `[kind, data]` to the worker in `slot`; false if it is gone.
fn post(slot: Slot, kind: &str, data: &JsValue) -> bool {
    slot.with(|w| match w.borrow().as_ref() {
        Some(worker) => {
            worker.post(kind, data);
            true
        }
        None => false,
    })
}

fn stop(slot: Slot) {
    if let Some(worker) = slot.with(|w| w.borrow_mut().take()) {
        worker.stop();
    }
}
