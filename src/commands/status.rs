//! `mandate status`: plans with their tasks per state and overdue, read as the operator.

use mandate_engine::Actor;

use super::Config;

pub async fn run(config: &Config) -> anyhow::Result<()> {
    let engine = config.engine().await?;
    let operator = Actor::operator();
    let plans = engine.status(&operator).await?;
    if plans.is_empty() {
        println!(
            "no plans yet in {}: import one with `mandate import FILE`{}",
            config.database_name(),
            config
                .demo_hint()
                .map_or(String::new(), |hint| format!(" ({hint})"))
        );
        return Ok(());
    }
    let mut columns: Vec<String> = Vec::new();
    for p in &plans {
        let lifecycle = engine.lifecycle(&p.plan.lifecycle).ok();
        let known = lifecycle.iter().flat_map(|l| l.states().iter());
        for state in known.chain(p.by_state.keys()) {
            if !columns.contains(state) {
                columns.push(state.clone());
            }
        }
    }
    let mut rows = vec![{
        let mut header = vec!["plan".to_owned(), "period".to_owned(), "tasks".to_owned()];
        header.extend(columns.iter().cloned());
        header.push("overdue".to_owned());
        header
    }];
    for p in &plans {
        let total: u64 = p.by_state.values().sum();
        let mut row = vec![
            p.plan.code.clone(),
            format!("{}..{}", p.plan.period_start, p.plan.period_end),
            total.to_string(),
        ];
        row.extend(
            columns
                .iter()
                .map(|c| p.by_state.get(c).copied().unwrap_or(0).to_string()),
        );
        row.push(p.overdue.to_string());
        rows.push(row);
    }
    print!("{}", table(&rows));
    for register in engine.registers(&operator).await? {
        let stats = engine
            .register_statistics(&operator, &register.plan.code)
            .await?;
        if stats.rows.is_empty() {
            continue;
        }
        println!(
            "\nregister {} ({}):",
            register.plan.code, register.plan.title
        );
        let mut rows = vec![
            [
                "month",
                "department",
                "received",
                "in term",
                "late",
                "closed",
                "open",
                "overdue",
                "extended",
            ]
            .map(str::to_owned)
            .to_vec(),
        ];
        let line = |r: &mandate_engine::registers::StatisticsRow, department: &str| {
            vec![
                r.month.clone(),
                department.to_owned(),
                r.received.to_string(),
                r.answered_in_term.to_string(),
                r.answered_late.to_string(),
                r.closed.to_string(),
                r.open.to_string(),
                r.open_overdue.to_string(),
                r.extended.to_string(),
            ]
        };
        for month in stats.months() {
            for r in stats.rows.iter().filter(|r| r.month == month) {
                rows.push(line(r, r.department.as_deref().unwrap_or("(not routed)")));
            }
            rows.push(line(&stats.total(Some(&month)), "all"));
        }
        print!("{}", table(&rows));
    }
    let outbox = engine.outbox_counts(&operator).await?;
    if !outbox.is_empty() {
        let parts: Vec<String> = outbox
            .iter()
            .map(|(status, n)| format!("{n} {status}"))
            .collect();
        println!("\noutbox: {}", parts.join(", "));
        if let Some(failed) = outbox.get("failed").filter(|n| **n > 0) {
            println!(
                "warning: {failed} message(s) failed for good; list them with the GraphQL query \
                 `notifications(filter: {{status: \"failed\"}})`"
            );
        }
    }
    Ok(())
}

/// Left-aligned first two columns, right-aligned numbers, two spaces between columns.
fn table(rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, cell)| {
                if i < 2 {
                    format!("{cell:<w$}", w = widths[i])
                } else {
                    format!("{cell:>w$}", w = widths[i])
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::table;

    #[test]
    fn columns_line_up() {
        let rows = vec![
            vec!["plan".into(), "period".into(), "tasks".into()],
            vec!["pna".into(), "2021..2022".into(), "1234".into()],
        ];
        assert_eq!(
            table(&rows),
            "plan  period      tasks\npna   2021..2022   1234\n"
        );
    }
}
