//! `mandate demo`: the bundled seed plans imported into the configured database, then the status.

use anyhow::bail;
use mandate_engine::domain::{Actor, EmailAddress};
use mandate_engine::notifications;
use mandate_engine::{Engine, plan_file};

use super::Config;

/// The seed plans shipped with Mandate: (file name, YAML).
const SEED_PLANS: [(&str, &str); 4] = [
    (
        "pna-trafic-2021-2022.yaml",
        include_str!("../../workflows/plans/pna-trafic-2021-2022.yaml"),
    ),
    (
        "cluj-2024.yaml",
        include_str!("../../workflows/plans/cluj-2024.yaml"),
    ),
    (
        "caras-severin-2024.yaml",
        include_str!("../../workflows/plans/caras-severin-2024.yaml"),
    ),
    (
        "lubartow-rejon-3-2024.yaml",
        include_str!("../../workflows/plans/lubartow-rejon-3-2024.yaml"),
    ),
];

pub async fn run(config: &Config) -> anyhow::Result<()> {
    let engine = config.engine().await?;
    load_seed_plans(&engine).await?;
    println!("seed plans are in {}\n", config.database_name());
    super::status::run(config).await
}

/// Imports every bundled seed plan as the operator, printing one line per plan.
pub async fn load_seed_plans(engine: &Engine) -> anyhow::Result<()> {
    for (name, source) in SEED_PLANS {
        let draft = match plan_file::parse(source, name, None, engine.lifecycles()) {
            Ok(draft) => draft,
            Err(problems) => {
                for p in &problems {
                    eprintln!("{p}");
                }
                bail!("bundled plan {name} has problems");
            }
        };
        let summary = engine
            .import_plan(&Actor::operator(), &draft, false)
            .await?;
        let tasks = summary
            .changes
            .get("tasks")
            .map_or(0, |c| c.created + c.unchanged);
        println!(
            "plan `{}` loaded: {} actions, {tasks} tasks",
            summary.plan_code,
            draft.actions.len()
        );
    }
    give_demo_addresses(engine).await
}

/// The seed plans name no e-mail addresses; in the demo every institution without one gets
/// `code@mandate-demo.invalid` (a domain that cannot exist), so that reminders have somewhere to go.
async fn give_demo_addresses(engine: &Engine) -> anyhow::Result<()> {
    let operator = Actor::operator();
    for institution in engine.institutions(&operator).await? {
        if notifications::addresses(&institution).is_empty() {
            let address = format!("{}@mandate-demo.invalid", institution.code.to_lowercase());
            engine
                .set_institution_emails(
                    &operator,
                    &institution.code,
                    &[EmailAddress::parse(&address)?],
                )
                .await?;
        }
    }
    Ok(())
}
