//! Who may use a rule, checked before its handler runs.

use super::context::BotCtx;
use super::router::Guard;
use super::texts;
use crate::domain::role::Role;

/// The sender's WeChat is bound to an enabled account whose password is not pending a change.
pub struct RequireBound;

impl Guard for RequireBound {
    fn check(&self, ctx: &BotCtx) -> Result<(), String> {
        match &ctx.sender {
            None => Err(texts::bind_instructions(ctx.links())),
            Some(sender) if sender.must_change_password => {
                Err(texts::CHANGE_PASSWORD_FIRST.to_string())
            }
            Some(_) => Ok(()),
        }
    }
}

/// `RequireBound`, and the account is a counselor's.
pub struct RequireCounselor;

impl Guard for RequireCounselor {
    fn check(&self, ctx: &BotCtx) -> Result<(), String> {
        RequireBound.check(ctx)?;
        match &ctx.sender {
            Some(sender) if sender.actor.role == Role::Counselor => Ok(()),
            _ => Err(texts::NOT_A_COUNSELOR.to_string()),
        }
    }
}

/// Anyone may pass but a bound sender whose password was reset: what is public stays public,
/// but not as an account its owner has not reclaimed.
pub struct PasswordSettled;

impl Guard for PasswordSettled {
    fn check(&self, ctx: &BotCtx) -> Result<(), String> {
        match &ctx.sender {
            Some(sender) if sender.must_change_password => {
                Err(texts::CHANGE_PASSWORD_FIRST.to_string())
            }
            _ => Ok(()),
        }
    }
}
