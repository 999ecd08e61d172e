//! Geometry of the statistics charts, drawn as SVG by the UI: bars scaled to a box, and a
//! year of days laid out in calendar weeks.

/// One bar of a bar chart, in the chart's own coordinates (y grows downwards, as in SVG).
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub value: u32,
}

/// Lays out `values` as bars filling a `width` × `height` box, scaled so the largest value
/// touches the top; zero values get no height.
pub fn bars(values: &[u32], width: f64, height: f64) -> Vec<Bar> {
    bars_to(
        values,
        width,
        height,
        values.iter().copied().max().unwrap_or(0),
    )
}

/// The value scale of a chart: its top and the values marked on it, round numbers from 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Axis {
    pub top: u32,
    pub ticks: Vec<u32>,
}

/// A scale for values up to `max`: steps of 1, 2 or 5 times a power of ten, at most five of
/// them, and never below 4, so a day of one card does not draw as a full bar.
pub fn axis(max: u32) -> Axis {
    let max = max.max(4);
    let mut step = 1u32;
    'search: for power in 0..10 {
        for base in [1u32, 2, 5] {
            step = base.saturating_mul(10u32.saturating_pow(power));
            if max.div_ceil(step) <= 5 {
                break 'search;
            }
        }
    }
    let top = max.div_ceil(step).saturating_mul(step);
    Axis {
        top,
        ticks: (0..=top / step).map(|i| i * step).collect(),
    }
}

/// [`bars`] scaled so `top` (at least the largest value) touches the top of the box.
pub fn bars_to(values: &[u32], width: f64, height: f64, top: u32) -> Vec<Bar> {
    if values.is_empty() {
        return Vec::new();
    }
    let max = top.max(values.iter().copied().max().unwrap_or(0));
    let slot = width / values.len() as f64;
    let gap = (slot * 0.15).min(4.0);
    values
        .iter()
        .enumerate()
        .map(|(i, &value)| {
            let h = if max == 0 {
                0.0
            } else {
                height * f64::from(value) / f64::from(max)
            };
            Bar {
                x: i as f64 * slot + gap / 2.0,
                y: height - h,
                width: slot - gap,
                height: h,
                value,
            }
        })
        .collect()
}

/// One day of a heatmap: its column (week) and row (weekday), and a shade from 0 (no reviews)
/// to 4 (the busiest days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeatCell {
    pub week: usize,
    pub weekday: usize,
    pub shade: u8,
    pub value: u32,
}

/// Lays out per-day counts (oldest first) in weeks of seven rows. `first_weekday` is the row of
/// the first day (0 = Monday).
pub fn heatmap(values: &[u32], first_weekday: usize) -> Vec<HeatCell> {
    let max = values.iter().copied().max().unwrap_or(0);
    values
        .iter()
        .enumerate()
        .map(|(i, &value)| {
            let slot = i + first_weekday % 7;
            let shade = if value == 0 || max == 0 {
                0
            } else {
                // Quarters of the busiest day, rounded up: any review shows.
                (4 * u64::from(value)).div_ceil(u64::from(max)).clamp(1, 4) as u8
            };
            HeatCell {
                week: slot / 7,
                weekday: slot % 7,
                shade,
                value,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scale_is_round_and_a_small_count_is_a_small_bar() {
        assert_eq!(
            axis(1),
            Axis {
                top: 4,
                ticks: vec![0, 1, 2, 3, 4]
            }
        );
        assert_eq!(
            axis(7),
            Axis {
                top: 8,
                ticks: vec![0, 2, 4, 6, 8]
            }
        );
        assert_eq!(
            axis(23),
            Axis {
                top: 25,
                ticks: vec![0, 5, 10, 15, 20, 25]
            }
        );
        assert_eq!(
            axis(130),
            Axis {
                top: 150,
                ticks: vec![0, 50, 100, 150]
            }
        );
        assert!(axis(u32::MAX).ticks.len() <= 6);
        // Eight days of one card each: a quarter of the height, not the whole of it.
        let bars = bars_to(&[1; 8], 80.0, 100.0, axis(1).top);
        assert!(bars.iter().all(|b| (b.height - 25.0).abs() < 1e-9));
        assert!(bars_to(&[], 10.0, 10.0, 4).is_empty());
    }

    #[test]
    fn bars_fill_the_box_and_scale_to_the_largest() {
        let b = bars(&[0, 5, 10], 300.0, 100.0);
        assert_eq!(b.len(), 3);
        assert_eq!(b[0].height, 0.0);
        assert_eq!(b[1].height, 50.0);
        assert_eq!(b[2].height, 100.0);
        assert_eq!(b[2].y, 0.0);
        assert!(b[2].x + b[2].width <= 300.0);
        assert!(b[1].x > b[0].x + b[0].width);
        assert!(bars(&[], 300.0, 100.0).is_empty());
        assert!(bars(&[0, 0], 300.0, 100.0).iter().all(|b| b.height == 0.0));
    }

    #[test]
    fn heatmap_weeks_start_on_the_given_weekday() {
        let cells = heatmap(&[0, 1, 2, 3, 4, 5, 6, 7, 8], 5);
        assert_eq!((cells[0].week, cells[0].weekday), (0, 5));
        assert_eq!((cells[2].week, cells[2].weekday), (1, 0));
        assert_eq!(cells[0].shade, 0);
        assert_eq!(cells[8].shade, 4);
        assert_eq!(cells[1].shade, 1);
        assert!(cells.iter().skip(1).all(|c| (1..=4).contains(&c.shade)));
        let busiest = heatmap(&[1, 100], 0);
        assert_eq!(busiest[1].shade, 4);
        assert_eq!(busiest[0].shade, 1);
    }
}
