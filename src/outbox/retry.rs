//! Queue statements run again when the database broke a deadlock by aborting one of them.

use crate::error::{AppError, AppResult};

/// Run a queue statement again when the database broke a deadlock by aborting it. Several
/// workers update the same tables; MySQL's next-key locks (and, rarely, PostgreSQL) can make two
/// of them wait on each other, and every queue statement is safe to repeat.
pub async fn retrying<T, F, Fut>(mut op: F) -> AppResult<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = AppResult<T>>,
{
    let mut tries: u64 = 0;
    loop {
        match op().await {
            Err(AppError::Database(error)) if crate::db::is_retryable(&error) && tries < 8 => {
                tries += 1;
                let pause = crate::infra::random::in_range(5..25u64) * tries;
                tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::DbErr;

    #[tokio::test]
    async fn deadlocks_are_retried_and_other_errors_are_not() {
        let mut calls = 0;
        let result = retrying(|| {
            calls += 1;
            let attempt = calls;
            async move {
                if attempt < 3 {
                    Err(AppError::Database(crate::db::coded_error("40001")))
                } else {
                    Ok(attempt)
                }
            }
        })
        .await;
        assert_eq!(result.ok(), Some(3));
        let mut calls = 0;
        let result: AppResult<()> = retrying(|| {
            calls += 1;
            async {
                Err(AppError::Database(DbErr::Custom(
                    "connection refused".into(),
                )))
            }
        })
        .await;
        assert!(result.is_err());
        assert_eq!(calls, 1);
    }
}
