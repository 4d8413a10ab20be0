import { parse, type HTMLElement } from 'node-html-parser';

/** The required-action pages a sign-in can stop at, as Keycloak's login theme renders them. */
export type RequiredActionPage = 'UPDATE_PASSWORD' | 'CONFIGURE_TOTP' | 'VERIFY_EMAIL' | 'UPDATE_PROFILE' | 'other';

export interface FeedbackMessage {
  readonly text: string;
  /** From the alert's PatternFly modifier (`pf-m-danger` …); field errors are `error`. */
  readonly type: 'error' | 'warning' | 'info' | 'success';
}

/** What one page of Keycloak's login theme (keycloak.v2, 26.7.3) is, read from its HTML alone. */
export type LoginPage =
  /** The username/password form (`kc-form-login`), with the message shown above or under it, if any. */
  | {
      readonly kind: 'login-form';
      /** Where the form posts to (absolute, entities decoded). */
      readonly action: string;
      /** The form's hidden inputs (e.g. `credentialId`), to post back as a browser would. */
      readonly hiddenFields: Readonly<Record<string, string>>;
      readonly message: FeedbackMessage | null;
    }
  | {
      readonly kind: 'required-action';
      readonly page: RequiredActionPage;
      /** The required action's alias from the page's own links (`execution=` or `kc_action=`), e.g. `VERIFY_PROFILE`. */
      readonly alias: string | null;
      readonly message: FeedbackMessage | null;
    }
  /** Keycloak's error page ("We are sorry..."): the flow cannot go on. */
  | { readonly kind: 'error'; readonly text: string }
  /** Any other page (an info page, another authenticator's form): its theme page id and text. */
  | { readonly kind: 'other'; readonly pageId: string | null; readonly title: string; readonly text: string };

/**
 * The theme marks every page's template on `<body data-page-id="login-<template>">` (26.x), which
 * is steadier than titles (localised) or form ids (not every template has one).
 */
const requiredActionTemplates: Readonly<Record<string, RequiredActionPage>> = {
  'login-login-update-password': 'UPDATE_PASSWORD',
  'login-login-config-totp': 'CONFIGURE_TOTP',
  'login-login-verify-email': 'VERIFY_EMAIL',
  'login-login-update-profile': 'UPDATE_PROFILE',
  'login-terms': 'other',
};

/** Required-action aliases by the page they render; VERIFY_PROFILE shows the update-profile form. */
const pageOfAlias: Readonly<Record<string, RequiredActionPage>> = {
  UPDATE_PASSWORD: 'UPDATE_PASSWORD',
  CONFIGURE_TOTP: 'CONFIGURE_TOTP',
  VERIFY_EMAIL: 'VERIFY_EMAIL',
  UPDATE_PROFILE: 'UPDATE_PROFILE',
  VERIFY_PROFILE: 'UPDATE_PROFILE',
};

/** English titles, for a theme without page ids (the client pins `Accept-Language: en`). */
const pageOfTitle: Readonly<Record<string, RequiredActionPage>> = {
  'update password': 'UPDATE_PASSWORD',
  'mobile authenticator setup': 'CONFIGURE_TOTP',
  'email verification': 'VERIFY_EMAIL',
  'update account information': 'UPDATE_PROFILE',
};

const alertTypes: Readonly<Record<string, FeedbackMessage['type']>> = {
  'pf-m-danger': 'error',
  'pf-m-warning': 'warning',
  'pf-m-info': 'info',
  'pf-m-success': 'success',
};

function textOf(element: HTMLElement | null | undefined): string {
  return (element?.text ?? '').replace(/\s+/g, ' ').trim();
}

function messageOf(root: HTMLElement): FeedbackMessage | null {
  const alert = root.querySelector('.pf-v5-c-alert');
  const alertText = textOf(alert?.querySelector('.kc-feedback-text'));
  if (alert && alertText) {
    const modifier = alert.classList.value.find((name) => name in alertTypes);
    return { text: alertText, type: modifier ? alertTypes[modifier]! : 'info' };
  }
  // "Invalid username or password." is rendered as the username field's error, not as an alert.
  const fieldError = textOf(root.querySelector('[id^="input-error-"] .kc-feedback-text'));
  return fieldError ? { text: fieldError, type: 'error' } : null;
}

/** The required action the page's own form or links continue with: `execution=` on a required-action URL, or `kc_action=`. */
function aliasOf(root: HTMLElement): string | null {
  const targets = [
    ...root.querySelectorAll('form').map((form) => form.getAttribute('action')),
    ...root.querySelectorAll('a').map((link) => link.getAttribute('href')),
  ];
  for (const target of targets) {
    if (!target) continue;
    let url: URL;
    try {
      url = new URL(target, 'http://page.invalid');
    } catch {
      continue;
    }
    const action = url.searchParams.get('kc_action');
    if (action) return action;
    const execution = url.searchParams.get('execution');
    // Authenticator steps carry an execution id (a UUID) on login-actions/authenticate; only
    // required-action URLs carry the action's alias.
    if (execution && url.pathname.endsWith('/login-actions/required-action')) return execution;
  }
  return null;
}

/** Reads one page of Keycloak's login theme. Pure: the HTML is all it looks at. */
export function readLoginPage(html: string): LoginPage {
  const root = parse(html);
  const pageId = root.querySelector('body')?.getAttribute('data-page-id') ?? null;
  const title = textOf(root.querySelector('#kc-page-title'));
  const loginForm = root.querySelector('form#kc-form-login');
  if (loginForm) {
    const hiddenFields: Record<string, string> = {};
    for (const input of loginForm.querySelectorAll('input[type="hidden"]')) {
      const name = input.getAttribute('name');
      if (name) hiddenFields[name] = input.getAttribute('value') ?? '';
    }
    return {
      kind: 'login-form',
      action: loginForm.getAttribute('action') ?? '',
      hiddenFields,
      message: messageOf(root),
    };
  }
  if (pageId === 'login-error' || root.querySelector('#kc-error-message')) {
    return { kind: 'error', text: textOf(root.querySelector('#kc-error-message')) || title };
  }
  const alias = aliasOf(root);
  const page =
    (pageId ? requiredActionTemplates[pageId] : undefined) ??
    (alias ? (pageOfAlias[alias] ?? 'other') : undefined) ??
    pageOfTitle[title.toLowerCase()];
  if (page) return { kind: 'required-action', page, alias, message: messageOf(root) };
  return {
    kind: 'other',
    pageId,
    title,
    text: textOf(
      root.querySelector('.pf-v5-c-login__main-body') ?? root.querySelector('main') ?? root.querySelector('body'),
    ),
  };
}
