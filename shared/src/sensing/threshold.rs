//! When a monitored value becomes an alarm (体征指标监测, clause 3.2; issue 17): a value past a
//! warning or alarm level for a set duration opens an alarm of that severity; while it stays
//! past, nothing more happens (no duplicates); it rises to the alarm level, falls back to the
//! warning one, or clears when the value comes back inside a level by its clear margin (so that
//! a value hovering at the line does not open and clear it over and over). The same rule for
//! an indicator computed over our own data and for a station's readings.
//!
//! A pure step function over the state kept per monitored value ([`Watch`]), fed the readings
//! in the order of their time; the caller stores the state and acts on the transitions.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

crate::code_enum::code_enum! {
    /// How bad a value is, in order: none, warning, alarm.
    #[cfg_attr(feature = "ssr", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
    #[cfg_attr(feature = "ssr", diesel(sql_type = diesel::sql_types::Text))]
    pub enum Severity in "sensing.severity" {
        Normal = "normal",
        Warning = "warning",
        Alarm = "alarm",
    }
}

#[cfg(feature = "ssr")]
crate::sql::text_enum!(Severity);

crate::code_enum::code_enum! {
    /// Which side of a level is bad: a water level above, dissolved oxygen below.
    #[cfg_attr(feature = "ssr", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
    #[cfg_attr(feature = "ssr", diesel(sql_type = diesel::sql_types::Text))]
    pub enum Direction in "sensing.direction" {
        Above = "above",
        Below = "below",
    }
}

#[cfg(feature = "ssr")]
crate::sql::text_enum!(Direction);

/// A monitored value's levels, as the indicator catalogue or a station sets them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Threshold {
    pub direction: Direction,
    pub warning: Option<f64>,
    pub alarm: Option<f64>,
    /// How long a value must stay past a level before an alarm of that level opens.
    pub duration_secs: i64,
    /// How far back inside a level a value must come to leave it (in the value's unit, ≥ 0).
    pub clear_margin: f64,
}

/// What is kept between readings of one monitored value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Watch {
    /// The severity of the open alarm (`Normal`: none open).
    pub open: Severity,
    /// Since when the value has been past the warning level without a break.
    pub warning_since: Option<DateTime<Utc>>,
    /// Since when it has been past the alarm level without a break.
    pub alarm_since: Option<DateTime<Utc>>,
    /// The time of the last reading taken (an older one that arrives late changes nothing).
    pub last_at: Option<DateTime<Utc>>,
}

impl Default for Watch {
    /// Nothing open, nothing past a level, nothing read yet.
    fn default() -> Self {
        Self { open: Severity::Normal, warning_since: None, alarm_since: None, last_at: None }
    }
}

/// What a reading did to the alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Transition {
    /// An alarm opened at this severity (from none).
    Opened(Severity),
    /// The open alarm rose to this severity.
    Raised(Severity),
    /// The open alarm fell back to this severity.
    Lowered(Severity),
    /// The open alarm cleared.
    Cleared,
}

impl Threshold {
    fn level(&self, severity: Severity) -> Option<f64> {
        match severity {
            Severity::Normal => None,
            Severity::Warning => self.warning,
            Severity::Alarm => self.alarm,
        }
    }

    /// Whether `value` is past `level` on the bad side, the level itself included.
    fn past(&self, value: f64, level: f64) -> bool {
        match self.direction {
            Direction::Above => value >= level,
            Direction::Below => value <= level,
        }
    }

    /// Whether an open `severity` still holds for `value`: past its level less the margin.
    fn holds(&self, severity: Severity, value: f64) -> bool {
        let margin = self.clear_margin.max(0.0);
        self.level(severity).is_some_and(|level| match self.direction {
            Direction::Above => value > level - margin,
            Direction::Below => value < level + margin,
        })
    }

    /// The worse of two values: the higher where high is bad, the lower where low is.
    pub fn worse(&self, a: f64, b: f64) -> f64 {
        match self.direction {
            Direction::Above => a.max(b),
            Direction::Below => a.min(b),
        }
    }

    /// The watch after a reading of `value` at `at`, and what it did to the alarm. A reading
    /// older than the last one, or not a number, changes nothing.
    pub fn step(&self, watch: &Watch, at: DateTime<Utc>, value: f64) -> (Watch, Option<Transition>) {
        if !value.is_finite() || watch.last_at.is_some_and(|last| at < last) {
            return (watch.clone(), None);
        }
        let run = |since: Option<DateTime<Utc>>, severity: Severity| {
            let past = self.level(severity).is_some_and(|level| self.past(value, level));
            past.then(|| since.unwrap_or(at))
        };
        let warning_since = run(watch.warning_since, Severity::Warning);
        let alarm_since = run(watch.alarm_since, Severity::Alarm);
        let lasted =
            |since: Option<DateTime<Utc>>| since.is_some_and(|s| at - s >= Duration::seconds(self.duration_secs));
        let fired = if lasted(alarm_since) {
            Severity::Alarm
        } else if lasted(warning_since) {
            Severity::Warning
        } else {
            Severity::Normal
        };
        // What is open stays at the highest level, no higher than it is, that the value still
        // holds with the margin.
        let held = [Severity::Alarm, Severity::Warning]
            .into_iter()
            .find(|severity| *severity <= watch.open && self.holds(*severity, value))
            .unwrap_or(Severity::Normal);
        let open = fired.max(held);
        let transition = match (watch.open, open) {
            (before, after) if before == after => None,
            (Severity::Normal, after) => Some(Transition::Opened(after)),
            (_, Severity::Normal) => Some(Transition::Cleared),
            (before, after) if after > before => Some(Transition::Raised(after)),
            (_, after) => Some(Transition::Lowered(after)),
        };
        (Watch { open, warning_since, alarm_since, last_at: Some(at) }, transition)
    }

    /// The watch after a reading taken outside the rule's period (a day rule at night): no
    /// level is past then, and what is open clears — a day's alarm does not linger through
    /// the night, and the night's time past a level counts from the night's readings alone.
    pub fn rest(&self, watch: &Watch, at: DateTime<Utc>) -> (Watch, Option<Transition>) {
        if watch.last_at.is_some_and(|last| at < last) {
            return (watch.clone(), None);
        }
        let transition = (watch.open != Severity::Normal).then_some(Transition::Cleared);
        (Watch { open: Severity::Normal, warning_since: None, alarm_since: None, last_at: Some(at) }, transition)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A river gauge: warning at 3.0 m, alarm at 3.5 m, ten minutes, 0.1 m margin.
    fn gauge() -> Threshold {
        Threshold {
            direction: Direction::Above,
            warning: Some(3.0),
            alarm: Some(3.5),
            duration_secs: 600,
            clear_margin: 0.1,
        }
    }

    fn minute(m: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000 + m * 60, 0).unwrap()
    }

    /// Feeds `(minute, value)` readings and returns the transitions with their minutes.
    fn run(threshold: &Threshold, readings: &[(i64, f64)]) -> Vec<(i64, Transition)> {
        let mut watch = Watch::default();
        let mut seen = Vec::new();
        for (m, value) in readings {
            let (next, transition) = threshold.step(&watch, minute(*m), *value);
            watch = next;
            seen.extend(transition.map(|t| (*m, t)));
        }
        seen
    }

    #[test]
    fn a_level_held_for_its_duration_opens_once_rises_falls_back_and_clears_with_the_margin() {
        let readings = [
            (0, 3.2),
            (5, 3.2),
            (10, 3.2), // ten minutes past the warning level: it opens
            (15, 3.3), // still past: nothing new
            (20, 3.6),
            (25, 3.7),
            (30, 3.6),  // ten minutes past the alarm level: it rises
            (35, 3.45), // inside 3.5, not by the margin: still an alarm
            (40, 3.35), // back by the margin: a warning again
            (45, 2.95), // inside 3.0, not by the margin: still a warning
            (50, 2.85), // cleared
            (55, 2.5),
        ];
        assert_eq!(
            run(&gauge(), &readings),
            [
                (10, Transition::Opened(Severity::Warning)),
                (30, Transition::Raised(Severity::Alarm)),
                (40, Transition::Lowered(Severity::Warning)),
                (50, Transition::Cleared),
            ]
        );
    }

    #[test]
    fn a_spike_shorter_than_the_duration_never_opens_and_a_break_restarts_the_count() {
        let readings = [(0, 3.2), (5, 2.5), (10, 3.2), (15, 3.9), (19, 2.0), (20, 3.1), (29, 3.1)];
        assert_eq!(run(&gauge(), &readings), []);
        // Straight to the alarm level: the warning level was passed as long, and the alarm
        // opens at its own severity.
        assert_eq!(run(&gauge(), &[(0, 3.8), (10, 3.9)]), [(10, Transition::Opened(Severity::Alarm))]);
    }

    #[test]
    fn a_low_value_is_bad_where_the_direction_says_so_and_no_duration_fires_at_once() {
        // Dissolved oxygen: below 3 mg/L a warning, below 2 an alarm, at once, margin 0.2.
        let oxygen = Threshold {
            direction: Direction::Below,
            warning: Some(3.0),
            alarm: Some(2.0),
            duration_secs: 0,
            clear_margin: 0.2,
        };
        let readings = [(0, 5.0), (1, 2.9), (2, 1.8), (3, 2.1), (4, 2.3), (5, 3.1), (6, 3.3)];
        assert_eq!(
            run(&oxygen, &readings),
            [
                (1, Transition::Opened(Severity::Warning)),
                (2, Transition::Raised(Severity::Alarm)),
                (4, Transition::Lowered(Severity::Warning)),
                (6, Transition::Cleared),
            ]
        );
    }

    #[test]
    fn a_late_or_broken_reading_changes_nothing_and_a_missing_level_never_fires() {
        let gauge = gauge();
        let (watch, _) = gauge.step(&Watch::default(), minute(10), 3.2);
        assert_eq!(gauge.step(&watch, minute(5), 9.9), (watch.clone(), None));
        assert_eq!(gauge.step(&watch, minute(11), f64::NAN), (watch.clone(), None));
        let warning_only = Threshold { alarm: None, duration_secs: 0, ..gauge };
        assert_eq!(
            run(&warning_only, &[(0, 9.0), (1, 2.0)]),
            [(0, Transition::Opened(Severity::Warning)), (1, Transition::Cleared)]
        );
        // The state is kept as JSON between readings.
        let json = serde_json::to_string(&watch).unwrap();
        assert_eq!(serde_json::from_str::<Watch>(&json).unwrap(), watch);
    }

    #[test]
    fn outside_its_period_a_rule_rests_and_clears_what_is_open() {
        let gauge = gauge();
        let mut watch = Watch::default();
        for m in [0, 10] {
            watch = gauge.step(&watch, minute(m), 3.2).0;
        }
        assert_eq!(watch.open, Severity::Warning);
        let (rested, transition) = gauge.rest(&watch, minute(15));
        assert_eq!(transition, Some(Transition::Cleared));
        assert_eq!((rested.open, rested.warning_since, rested.last_at), (Severity::Normal, None, Some(minute(15))));
        // Resting again, or an older reading: nothing more.
        assert_eq!(gauge.rest(&rested, minute(20)).1, None);
        assert_eq!(gauge.rest(&rested, minute(1)), (rested.clone(), None));
        // Back in its period, the time past a level counts afresh.
        let (next, transition) = gauge.step(&rested, minute(25), 3.2);
        assert_eq!((next.warning_since, transition), (Some(minute(25)), None));
    }
}
