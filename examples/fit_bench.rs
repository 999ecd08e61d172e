//! How long fitting scheduling parameters takes natively, for 20,000 and 100,000 reviews drawn
//! from a memory model with unusual parameters, and how well the defaults and the fit predict
//! them. The browser's figures come from the end-to-end test (tests/e2e/optimize.test.mjs).
//!
//! `cargo run --release --example fit_bench`

use std::time::Instant;

use fsrs::DEFAULT_PARAMETERS;
use loam::core::review::fit::{accuracy, fit, training_set};
use loam::core::review::history::{history, unusual};
use loam::core::review::stats::Calendar;

fn main() {
    for reviews in [20_000, 100_000] {
        let mut records = history(&unusual(), &DEFAULT_PARAMETERS, reviews / 6, 5);
        records.truncate(reviews);
        let started = Instant::now();
        let set = training_set(&records, Calendar { utc_offset_ms: 0.0 });
        let read = started.elapsed();
        let params = fit(&set, 1).expect("enough history");
        let fitted_in = started.elapsed() - read;
        let before = accuracy(&DEFAULT_PARAMETERS, &set.items, |_, _| true).expect("measured");
        let after = accuracy(&params, &set.items, |_, _| true).expect("measured");
        let total = started.elapsed();
        println!(
            "{} reviews ({} items): read {:.0} ms, fitted {:.0} ms, all {:.0} ms; \
             defaults log loss {:.4} RMSE {:.2}%, fitted log loss {:.4} RMSE {:.2}%",
            records.len(),
            set.items.len(),
            read.as_secs_f64() * 1000.0,
            fitted_in.as_secs_f64() * 1000.0,
            total.as_secs_f64() * 1000.0,
            before.log_loss,
            before.rmse * 100.0,
            after.log_loss,
            after.rmse * 100.0,
        );
    }
}
