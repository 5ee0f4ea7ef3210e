mod account_import;
mod accounts;
mod audit;
mod auth;
mod org;
mod phones;
mod platform;
mod scope;
