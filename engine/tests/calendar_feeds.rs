//! Calendar feeds: the document a feed answers (parsed back with the `icalendar` crate's parser),
//! what it lists and as whom, its dates in the institution's zone, its revisions when a due date
//! moves, and the one `NotFound` of every address that does not answer.

mod support;

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use icalendar::{Component, DatePerhapsTime, EventStatus};
use mandate_engine::accounts::NewUser;
use mandate_engine::calendar::{CalendarFeed, MAX_LIVE_FEEDS};
use mandate_engine::domain::{Actor, EmailAddress, InstitutionCode, UserRole};
use mandate_engine::entity::{institution, task, user};
use mandate_engine::plans::{InstitutionDefaults, NewInstitution};
use mandate_engine::reads::views::{InboxFilter, InboxGroup};
use mandate_engine::tasks::{Fire, ReportInput};
use mandate_engine::{Engine, Error};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

use support::{Fixture, TestDb, date, period};

const PUBLIC_URL: &str = "https://mandate.example.ro";

/// A user for `actor` (the fixture's actors have none), returned as the actor it is.
async fn person(f: &Fixture, actor: &Actor) -> Actor {
    f.engine
        .create_user(
            &Actor::operator(),
            NewUser {
                email: EmailAddress::parse(&actor.name).expect("e-mail"),
                name: actor.name.clone(),
                role: actor.role,
                institution: match actor.institution_id {
                    Some(id) => {
                        let found = institution::Entity::find_by_id(id)
                            .one(&f.db)
                            .await
                            .expect("institution")
                            .expect("known institution");
                        Some(InstitutionCode::parse(&found.code).expect("code"))
                    }
                    None => None,
                },
            },
        )
        .await
        .expect("user");
    actor.clone()
}

fn code(text: &str) -> InstitutionCode {
    InstitutionCode::parse(text).expect("code")
}

/// The feed's document, parsed: its events by task id.
struct Parsed {
    calendar: icalendar::Calendar,
}

impl Parsed {
    async fn of(engine: &Engine, secret: &str) -> Self {
        let text = engine
            .calendar_feed_document(secret, PUBLIC_URL)
            .await
            .expect("feed");
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
        let calendar: icalendar::Calendar = text
            .parse()
            .unwrap_or_else(|e| panic!("the feed does not parse: {e}\n{text}"));
        Self { calendar }
    }

    fn event(&self, task: &task::Model) -> &icalendar::Event {
        let uid = format!("task-{}@mandate.example.ro", task.id);
        self.calendar
            .events()
            .find(|e| e.get_uid() == Some(uid.as_str()))
            .unwrap_or_else(|| panic!("no event {uid} in {}", self.calendar))
    }

    fn uids(&self) -> Vec<String> {
        let mut uids: Vec<String> = self
            .calendar
            .events()
            .filter_map(|e| e.get_uid().map(str::to_owned))
            .collect();
        uids.sort();
        uids
    }
}

fn uids_of(tasks: &[&task::Model]) -> Vec<String> {
    let mut uids: Vec<String> = tasks
        .iter()
        .map(|t| format!("task-{}@mandate.example.ro", t.id))
        .collect();
    uids.sort();
    uids
}

/// The tasks of `institution` in both periods, in due order.
async fn tasks_of(f: &Fixture, institution: &institution::Model) -> Vec<task::Model> {
    f.engine
        .tasks(
            &f.admin,
            &mandate_engine::reads::TaskFilter {
                institution_id: Some(institution.id),
                ..Default::default()
            },
            None,
            10,
        )
        .await
        .expect("tasks")
}

/// Moves the first period's due instant to `due` (the second stays), as a re-import does.
async fn move_first_due(f: &Fixture, due: chrono::DateTime<Utc>) {
    let mut first = period(date(2021, 1, 1), date(2021, 6, 30));
    first.due = due;
    f.engine
        .open_periods(
            &f.coordinator,
            f.action.id,
            &[first, period(date(2021, 7, 1), date(2021, 12, 31))],
        )
        .await
        .expect("periods moved");
}

async fn in_warsaw(f: &Fixture, institution: &institution::Model) {
    f.engine
        .upsert_institution(
            &Actor::operator(),
            NewInstitution {
                code: code(&institution.code),
                name: None,
                parent: None,
                emails: None,
                language: None,
                time_zone: Some(chrono_tz::Europe::Warsaw),
            },
            &InstitutionDefaults {
                language: "ro".into(),
                time_zone: chrono_tz::Europe::Bucharest,
            },
        )
        .await
        .expect("institution in Warsaw");
}

async fn dates_are_the_institutions_and_only_readable_tasks_are_listed(db: TestDb) {
    let f = Fixture::new(&db).await;
    let [ong, _] = &f.partners;
    in_warsaw(&f, ong).await;
    // 21:30 UTC on 30 June: already 1 July in Bucharest (UTC+3), still 30 June in Warsaw (UTC+2).
    move_first_due(&f, Utc.with_ymd_and_hms(2021, 6, 30, 21, 30, 0).unwrap()).await;

    let me_member = person(&f, &f.member(&f.responsible)).await;
    let me_feed = f
        .engine
        .create_calendar_feed(&me_member, Some(&code(&f.responsible.code)))
        .await
        .expect("feed of ME");
    let parsed = Parsed::of(&f.engine, &me_feed.secret).await;
    let me_tasks = tasks_of(&f, &f.responsible).await;
    assert_eq!(parsed.uids(), uids_of(&me_tasks.iter().collect::<Vec<_>>()));
    let first = parsed.event(&me_tasks[0]);
    assert_eq!(
        first.get_start(),
        Some(DatePerhapsTime::Date(date(2021, 7, 1)))
    );
    assert_eq!(
        first.get_end(),
        Some(DatePerhapsTime::Date(date(2021, 7, 2)))
    );
    assert_eq!(
        parsed.event(&me_tasks[1]).get_start(),
        Some(DatePerhapsTime::Date(date(2021, 12, 31)))
    );
    let summary = first.get_summary().expect("summary");
    assert_eq!(summary, "1.1 Campanii de informare (test-plan)");
    let description = first.get_description().expect("description");
    assert!(description.contains("Stare: în așteptare"), "{description}");
    assert!(description.contains("Instituție: ME"), "{description}");
    assert!(
        description.contains(&format!("{PUBLIC_URL}/tasks/{}", me_tasks[0].id)),
        "{description}"
    );
    assert_eq!(parsed.calendar.get_name(), Some("Mandate: ME"));

    // The partner in Warsaw: its own tasks, the first on 30 June.
    let ong_member = person(&f, &f.member(ong)).await;
    let ong_feed = f
        .engine
        .create_calendar_feed(&ong_member, None)
        .await
        .expect("own feed");
    let parsed = Parsed::of(&f.engine, &ong_feed.secret).await;
    let ong_tasks = tasks_of(&f, ong).await;
    assert_eq!(
        parsed.uids(),
        uids_of(&ong_tasks.iter().collect::<Vec<_>>())
    );
    assert_eq!(
        parsed.event(&ong_tasks[0]).get_start(),
        Some(DatePerhapsTime::Date(date(2021, 6, 30)))
    );

    // The lead reads its partners' tasks too; an outsider reads none.
    let lead_member = person(&f, &f.member(&f.lead)).await;
    let lead_feed = f
        .engine
        .create_calendar_feed(&lead_member, None)
        .await
        .expect("lead's feed");
    assert_eq!(
        Parsed::of(&f.engine, &lead_feed.secret).await.uids().len(),
        8
    );
    let outsider = person(&f, &f.member(&f.outsider)).await;
    let outsider_feed = f
        .engine
        .create_calendar_feed(&outsider, None)
        .await
        .expect("outsider's feed");
    assert!(
        Parsed::of(&f.engine, &outsider_feed.secret)
            .await
            .uids()
            .is_empty()
    );
}

async fn a_moved_due_date_is_a_new_sequence_of_the_same_event(db: TestDb) {
    let f = Fixture::new(&db).await;
    let coordinator = person(&f, &f.coordinator).await;
    let feed = f
        .engine
        .create_calendar_feed(&coordinator, None)
        .await
        .expect("feed");
    let task = f.task_of(&f.responsible).await;
    let before = Parsed::of(&f.engine, &feed.secret).await;
    let event = before.event(&task);
    assert_eq!(event.get_sequence(), Some(0));
    assert_eq!(
        event.get_start(),
        Some(DatePerhapsTime::Date(date(2021, 6, 30)))
    );

    move_first_due(&f, Utc.with_ymd_and_hms(2021, 7, 15, 20, 59, 59).unwrap()).await;
    let after = Parsed::of(&f.engine, &feed.secret).await;
    let event = after.event(&task);
    assert_eq!(event.get_sequence(), Some(1));
    assert_eq!(
        event.get_start(),
        Some(DatePerhapsTime::Date(date(2021, 7, 15)))
    );

    // The same due date again changes nothing; another move is the next revision.
    move_first_due(&f, Utc.with_ymd_and_hms(2021, 7, 15, 20, 59, 59).unwrap()).await;
    assert_eq!(
        Parsed::of(&f.engine, &feed.secret)
            .await
            .event(&task)
            .get_sequence(),
        Some(1)
    );
    move_first_due(&f, Utc.with_ymd_and_hms(2021, 6, 30, 20, 59, 59).unwrap()).await;
    let event_after = Parsed::of(&f.engine, &feed.secret).await;
    assert_eq!(event_after.event(&task).get_sequence(), Some(2));
    // The second period never moved.
    let second = &tasks_of(&f, &f.responsible).await[1];
    assert_eq!(event_after.event(second).get_sequence(), Some(0));
}

async fn cancelled_tasks_are_cancelled_and_open_ones_carry_the_policys_first_reminder(db: TestDb) {
    let f = Fixture::new(&db).await;
    let coordinator = person(&f, &f.coordinator).await;
    let feed = f
        .engine
        .create_calendar_feed(&coordinator, None)
        .await
        .expect("feed");
    let task = f.task_of(&f.responsible).await;
    f.engine
        .fire(
            &f.coordinator,
            Fire::new(task.id, task.version, "cancel").reason("nu mai este cazul"),
        )
        .await
        .expect("cancelled");
    let parsed = Parsed::of(&f.engine, &feed.secret).await;
    assert_eq!(parsed.uids().len(), 8, "every task of the plan");
    let cancelled = parsed.event(&task);
    assert_eq!(cancelled.get_status(), Some(EventStatus::Cancelled));
    assert!(
        cancelled.components().is_empty(),
        "no alarm on a cancelled task"
    );

    let open = parsed.event(&f.task_of(&f.lead).await);
    assert_eq!(open.get_status(), Some(EventStatus::Confirmed));
    let [alarm] = open.components() else {
        panic!("one alarm: {:?}", open.components());
    };
    assert_eq!(alarm.component_kind(), "VALARM");
    assert_eq!(alarm.property_value("ACTION"), Some("DISPLAY"));
    // The default policy's first reminder: 30 days before the due date, at 08:00.
    let trigger = alarm.property_value("TRIGGER").expect("trigger");
    let expected = -(chrono::TimeDelta::days(30) - chrono::TimeDelta::hours(8));
    assert_eq!(trigger, expected.to_string());
    let description = alarm.property_value("DESCRIPTION").expect("alarm text");
    assert!(
        description.contains("1.1 Campanii de informare"),
        "{description}"
    );
}

async fn revoked_and_unknown_addresses_and_lost_access_are_one_not_found(db: TestDb) {
    let f = Fixture::new(&db).await;
    let member = person(&f, &f.member(&f.responsible)).await;
    let kept = f
        .engine
        .create_calendar_feed(&member, None)
        .await
        .expect("feed");
    let institution_feed = f
        .engine
        .create_calendar_feed(&member, Some(&code(&f.responsible.code)))
        .await
        .expect("institution feed");
    let revoked = f
        .engine
        .create_calendar_feed(&member, None)
        .await
        .expect("feed");
    assert_ne!(kept.secret, revoked.secret);

    // Someone else cannot revoke it, and learns nothing.
    let other = person(&f, &f.member(&f.lead)).await;
    let e = f
        .engine
        .revoke_calendar_feed(&other, revoked.feed.record.id)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }), "{e}");
    Parsed::of(&f.engine, &revoked.secret).await;

    let done = f
        .engine
        .revoke_calendar_feed(&member, revoked.feed.record.id)
        .await
        .expect("revoked");
    assert!(!done.is_live());
    let missing = |e: Error| assert!(matches!(e, Error::NotFound { .. }), "{e}");
    missing(
        f.engine
            .calendar_feed_document(&revoked.secret, PUBLIC_URL)
            .await
            .unwrap_err(),
    );
    let made_up = format!("mdc_{}", "0".repeat(64));
    missing(
        f.engine
            .calendar_feed_document(&made_up, PUBLIC_URL)
            .await
            .unwrap_err(),
    );
    missing(
        f.engine
            .calendar_feed_document("", PUBLIC_URL)
            .await
            .unwrap_err(),
    );
    // The other feeds still answer.
    Parsed::of(&f.engine, &kept.secret).await;
    Parsed::of(&f.engine, &institution_feed.secret).await;

    // The person moves to another institution: the old institution's feed stops answering; the
    // own feed now reads as the person is.
    let row = f.engine.user_by_email(&member.name).await.expect("user");
    let mut moved: user::ActiveModel = row.into();
    moved.institution_id = Set(Some(f.outsider.id));
    moved.update(&f.db).await.expect("moved");
    missing(
        f.engine
            .calendar_feed_document(&institution_feed.secret, PUBLIC_URL)
            .await
            .unwrap_err(),
    );
    assert!(Parsed::of(&f.engine, &kept.secret).await.uids().is_empty());

    let feeds: Vec<CalendarFeed> = f.engine.calendar_feeds(&member).await.expect("feeds");
    assert_eq!(feeds.len(), 3);
    assert_eq!(feeds.iter().filter(|feed| feed.is_live()).count(), 2);
}

async fn who_may_have_which_feed(db: TestDb) {
    let f = Fixture::new(&db).await;
    let member = person(&f, &f.member(&f.responsible)).await;
    let e = f
        .engine
        .create_calendar_feed(&member, Some(&code(&f.lead.code)))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Forbidden(_)), "{e}");
    // Nor may a coordinator follow an institution it does not manage, even one in its plans.
    let coordinator = person(&f, &f.coordinator).await;
    let e = f
        .engine
        .create_calendar_feed(&coordinator, Some(&code(&f.responsible.code)))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Forbidden(_)), "{e}");
    // A coordinator of MAI manages IGPR, which acts under it.
    let mai = f.engine.institution(&f.admin, "MAI").await.expect("MAI");
    let mai_coordinator = person(
        &f,
        &Actor::user("coord@mai.ro", UserRole::Coordinator, Some(mai.id)),
    )
    .await;
    let choices = f
        .engine
        .calendar_feed_institutions(&mai_coordinator)
        .await
        .expect("choices");
    assert_eq!(
        choices.iter().map(|i| i.code.as_str()).collect::<Vec<_>>(),
        ["IGPR", "MAI"]
    );
    let igpr = f
        .engine
        .create_calendar_feed(&mai_coordinator, Some(&code("IGPR")))
        .await
        .expect("IGPR's feed");
    // A feed reads as its owner and never further: MAI's coordinator reads no task of IGPR in a
    // plan MAI neither owns nor takes part in.
    assert!(Parsed::of(&f.engine, &igpr.secret).await.uids().is_empty());
    let lead_member = person(&f, &f.member(&f.lead)).await;
    let lead = f
        .engine
        .create_calendar_feed(&lead_member, Some(&code("IGPR")))
        .await
        .expect("IGPR's feed by its member");
    assert_eq!(Parsed::of(&f.engine, &lead.secret).await.uids().len(), 2);
    // The command line is nobody's calendar.
    let e = f
        .engine
        .create_calendar_feed(&Actor::operator(), None)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Validation { .. }), "{e}");
    // A bounded number of live feeds per person.
    for _ in 0..MAX_LIVE_FEEDS {
        f.engine
            .create_calendar_feed(&member, None)
            .await
            .expect("feed");
    }
    let e = f
        .engine
        .create_calendar_feed(&member, None)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Validation { .. }), "{e}");
    assert!(e.to_string().contains("revoke one first"), "{e}");
}

async fn a_returned_task_stays_returned_in_the_inbox_when_its_due_date_moves(db: TestDb) {
    let f = Fixture::new(&db).await;
    let member = f.member(&f.responsible);
    let mut task = f.task_of(&f.responsible).await;
    for (actor, transition) in [
        (&member, "acknowledge"),
        (&member, "start"),
        (&member, "submit"),
        (&f.coordinator, "return"),
    ] {
        let mut request = Fire::new(task.id, task.version, transition);
        request = match transition {
            "submit" => request.report(ReportInput {
                indicator_values: BTreeMap::from([(
                    "Număr de campanii".to_owned(),
                    serde_json::json!(2),
                )]),
                narrative: "Raport".to_owned(),
                evidence: Vec::new(),
            }),
            "return" => request.reason("de completat"),
            _ => request,
        };
        task = f.engine.fire(actor, request).await.expect(transition);
    }
    move_first_due(&f, Utc.with_ymd_and_hms(2021, 7, 15, 20, 59, 59).unwrap()).await;
    let inbox = f
        .engine
        .inbox(&member, &InboxFilter::default())
        .await
        .expect("inbox")
        .expect("an institution's inbox");
    let returned = inbox
        .groups
        .iter()
        .find(|(group, _)| *group == InboxGroup::Returned)
        .map(|(_, rows)| rows.iter().map(|r| r.task.id).collect::<Vec<_>>());
    assert_eq!(returned, Some(vec![task.id]));
}

on_both_databases!(
    a_returned_task_stays_returned_in_the_inbox_when_its_due_date_moves,
    dates_are_the_institutions_and_only_readable_tasks_are_listed,
    a_moved_due_date_is_a_new_sequence_of_the_same_event,
    cancelled_tasks_are_cancelled_and_open_ones_carry_the_policys_first_reminder,
    revoked_and_unknown_addresses_and_lost_access_are_one_not_found,
    who_may_have_which_feed,
);
