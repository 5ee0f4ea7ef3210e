mod account_import;
mod accounts;
mod audit;
mod auth;
mod org;
mod platform;
mod scope;
