use proptest::prelude::*;

use super::*;
use crate::core::review::answer_card;

const DAY: f64 = 86_400_000.0;

fn deck_with(body: &str) -> Deck {
    let mut deck = Deck::default();
    deck.sync_note("n", body, Time::from_ms(0.0));
    deck
}

fn the_card(deck: &Deck) -> Card {
    deck.cards().next().unwrap().clone()
}

/// Answers the card as the app does, storing it in `deck`; returns the record.
fn give(deck: &mut Deck, rating: Rating, at: f64) -> ReviewRecord {
    let given = answer_card(
        &the_card(deck),
        rating,
        Time::from_ms(at),
        &Scheduler::default(),
    );
    deck.put(given.after);
    given.record
}

fn log_of(card: &Card, answers: Vec<ReviewRecord>) -> CardLog {
    CardLog {
        card: card.id.clone(),
        answers,
        undone: Vec::new(),
        marks: Marks::default(),
    }
}

#[test]
fn an_answer_goes_through_a_document_unchanged() {
    let mut deck = deck_with("Capital of France? :: Paris");
    for (rating, at) in [
        (Rating::Good, 0.0),
        (Rating::Again, DAY),
        (Rating::Easy, 9.0 * DAY),
    ] {
        let record = give(&mut deck, rating, at);
        assert_eq!(
            read_answer(&record.id, &answer_value(&record.log)),
            Some(record)
        );
    }
}

#[test]
fn an_event_goes_through_a_document_unchanged() {
    // Card keys are the learner's text: they may hold `@` and `#`.
    let card: CardId = "n/basic:mail a@b.c #1".into();
    for event in [
        Event::Suspended(true),
        Event::Suspended(false),
        Event::Buried(Some(Time::from_ms(5.0 * DAY))),
        Event::Buried(None),
        Event::Reset,
        Event::Added,
    ] {
        let event = CardEvent {
            card: card.clone(),
            time: Time::from_ms(1234.0),
            event,
        };
        assert_eq!(CardEvent::read(&event.key(), &event.value()), Some(event));
    }
}

proptest! {
    #[test]
    fn entries_loam_did_not_write_are_passed_over(key in ".{0,40}", value in ".{0,40}") {
        // Never a panic; whatever is read back writes the same entry again.
        if let Some(answer) = read_answer(&key, &value) {
            prop_assert_eq!(read_answer(&answer.id, &answer_value(&answer.log)), Some(answer));
        }
        if let Some(event) = CardEvent::read(&key, &value) {
            prop_assert_eq!(CardEvent::read(&event.key(), &event.value()), Some(event));
        }
    }

    #[test]
    fn events_read_in_any_order_give_the_same_marks(
        events in prop::collection::vec((0u8..4, 0u8..3, 0u8..3), 1..12),
        seed in any::<u64>(),
    ) {
        let events: Vec<CardEvent> = events
            .into_iter()
            .map(|(kind, time, value)| CardEvent {
                card: "c".into(),
                time: Time::from_ms(f64::from(time)),
                event: match kind {
                    0 => Event::Suspended(value == 1),
                    1 => Event::Buried((value > 0).then(|| Time::from_ms(f64::from(value)))),
                    2 => Event::Reset,
                    _ => Event::Added,
                },
            })
            .collect();
        let mut forward = Marks::default();
        events.iter().for_each(|e| forward.take(e));
        let mut shuffled = events.clone();
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let mut other = Marks::default();
        shuffled.iter().for_each(|e| other.take(e));
        prop_assert_eq!(forward, other);
    }

    #[test]
    fn answering_as_the_app_does_is_what_replaying_gives(
        answers in prop::collection::vec((1u8..5, 1u32..40), 1..10),
    ) {
        let mut deck = deck_with("Capital of France? :: Paris");
        let mut at = 0.0;
        let mut records = Vec::new();
        for (rating, hours) in answers {
            at += f64::from(hours) * 3_600_000.0;
            records.push(give(&mut deck, Rating::from_number(rating).unwrap(), at));
        }
        let card = the_card(&deck);
        let replayed = replay_answers(&Scheduler::default(), &card.id, records.iter().map(|r| &r.log));
        prop_assert_eq!(replayed, card.schedule);
    }
}

#[test]
fn answers_from_two_devices_make_one_schedule_on_both() {
    let mut laptop = deck_with("Capital of France? :: Paris");
    let mut phone = laptop.clone();
    let first = give(&mut laptop, Rating::Good, 0.0);
    let second = give(&mut phone, Rating::Again, DAY);
    let third = give(&mut laptop, Rating::Easy, 3.0 * DAY);
    let all = vec![first.clone(), second.clone(), third.clone()];
    let card = the_card(&laptop);
    let scheduler = Scheduler::default();
    take_logs(&mut laptop, &scheduler, vec![log_of(&card, all.clone())]);
    let records = take_logs(&mut phone, &scheduler, vec![log_of(&card, all.clone())]);
    assert_eq!(the_card(&laptop), the_card(&phone));
    assert_eq!(
        the_card(&phone).schedule,
        replay_answers(&scheduler, &card.id, all.iter().map(|r| &r.log))
    );
    assert_eq!(the_card(&phone).introduced, Some(Time::from_ms(0.0)));
    // Every answer is stored on the phone, its own included (storing one twice is harmless).
    assert_eq!(records.reviews, all);
    assert_eq!(records.cards, vec![the_card(&phone)]);
}

#[test]
fn a_later_answer_here_keeps_its_schedule_until_sync_has_it() {
    let mut deck = deck_with("Capital of France? :: Paris");
    let first = give(&mut deck, Rating::Good, 0.0);
    give(&mut deck, Rating::Good, 2.0 * DAY);
    let before = the_card(&deck);
    let records = take_logs(
        &mut deck,
        &Scheduler::default(),
        vec![log_of(&before, vec![first.clone()])],
    );
    assert_eq!(the_card(&deck), before);
    assert!(records.cards.is_empty());
    assert_eq!(records.reviews, vec![first]);
}

#[test]
fn answers_before_a_reset_are_kept_and_do_not_count() {
    let mut deck = deck_with("Capital of France? :: Paris");
    let old = give(&mut deck, Rating::Easy, 0.0);
    let card = the_card(&deck);
    let mut log = log_of(&card, vec![old.clone()]);
    log.marks.reset = Some(Time::from_ms(DAY));
    let records = take_logs(&mut deck, &Scheduler::default(), vec![log.clone()]);
    let reset = the_card(&deck);
    assert!(reset.schedule.is_new());
    assert_eq!(reset.schedule.due, Time::from_ms(DAY));
    assert_eq!(reset.introduced, None);
    assert_eq!(records.reviews, vec![old.clone()]);
    // An answer after the reset counts alone.
    let new = give(&mut deck, Rating::Good, 2.0 * DAY);
    log.answers.push(new.clone());
    take_logs(&mut deck, &Scheduler::default(), vec![log]);
    assert_eq!(
        the_card(&deck).schedule,
        replay_answers(&Scheduler::default(), &card.id, [&new.log])
    );
}

#[test]
fn an_answer_taken_back_elsewhere_leaves_the_schedule_of_the_rest() {
    let mut deck = deck_with("Capital of France? :: Paris");
    let first = give(&mut deck, Rating::Good, 0.0);
    let second = give(&mut deck, Rating::Again, DAY);
    let card = the_card(&deck);
    let mut log = log_of(&card, vec![first.clone()]);
    log.undone = vec![second.id.clone()];
    let records = take_logs(&mut deck, &Scheduler::default(), vec![log]);
    assert_eq!(
        the_card(&deck).schedule,
        replay_answers(&Scheduler::default(), &card.id, [&first.log])
    );
    assert_eq!(records.deleted_reviews, vec![second.id]);
    assert_eq!(records.reviews, vec![first]);
}

#[test]
fn events_set_suspension_burial_and_reviews() {
    let mut deck = Deck::default();
    deck.sync_imported_note("n", "Capital of France? :: Paris", Time::from_ms(0.0));
    let card = the_card(&deck);
    assert!(!card.in_deck);
    let mut log = log_of(&card, Vec::new());
    log.marks = Marks {
        suspended: Some((Time::from_ms(3.0), true)),
        buried: Some((Time::from_ms(4.0), Some(Time::from_ms(DAY)))),
        reset: None,
        added: true,
    };
    take_logs(&mut deck, &Scheduler::default(), vec![log]);
    let after = the_card(&deck);
    assert!(after.suspended && after.in_deck);
    assert_eq!(after.buried_until, Some(Time::from_ms(DAY)));
    assert_eq!(after.schedule, card.schedule);
}

#[test]
fn a_card_not_here_yet_still_has_its_answers_stored() {
    let mut elsewhere = deck_with("Capital of France? :: Paris");
    let record = give(&mut elsewhere, Rating::Good, 0.0);
    let mut deck = Deck::default();
    let records = take_logs(
        &mut deck,
        &Scheduler::default(),
        vec![log_of(&the_card(&elsewhere), vec![record.clone()])],
    );
    assert!(deck.is_empty());
    assert_eq!(records.reviews, vec![record]);
}

#[test]
fn another_tabs_change_reads_as_events() {
    let mut deck = deck_with("Capital of France? :: Paris");
    give(&mut deck, Rating::Good, 0.0);
    let before = the_card(&deck);
    let mut after = before.clone();
    after.suspended = true;
    after.buried_until = Some(Time::from_ms(DAY));
    after.schedule = Schedule::new(Time::from_ms(DAY));
    after.introduced = None;
    let now = Time::from_ms(DAY);
    let kinds: Vec<Event> = events_between(&before, &after, now)
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert_eq!(
        kinds,
        vec![
            Event::Suspended(true),
            Event::Buried(Some(Time::from_ms(DAY))),
            Event::Reset
        ]
    );
    assert!(events_between(&before, &before, now).is_empty());
}
