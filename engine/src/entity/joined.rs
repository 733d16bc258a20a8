//! Rows of several tables read in one query: each table's columns are selected under a prefix
//! of its own, and each model is read back from the row under that prefix.

use sea_orm::sea_query::{Alias, Expr, SelectStatement};
use sea_orm::{EntityTrait, IdenStatic, Iterable};

/// Selects every column of `E`, each named `prefix` + its name.
pub(crate) fn select_columns<E: EntityTrait>(query: &mut SelectStatement, prefix: &str) {
    for column in E::Column::iter() {
        query.expr_as(
            Expr::col((E::default(), column)),
            Alias::new(format!("{prefix}{}", column.as_str())),
        );
    }
}
