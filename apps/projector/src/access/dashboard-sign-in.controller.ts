import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Access, ACCESS_CONTROL, cookieOf, SESSION_COOKIE, type AccessControl } from './access.guard.js';
import { SignInRefused } from './dashboard-sign-in.js';

const PENDING_COOKIE = 'dashboard_sign_in';

/** The page's sign-in and sign-out through the realm's login page (not part of the API). */
@ApiExcludeController()
@Access('open')
@Controller('dashboard')
export class DashboardSignInController {
  constructor(@Inject(ACCESS_CONTROL) private readonly control: AccessControl) {}

  @Get('login')
  async login(@Res() response: Response): Promise<void> {
    if (this.control.mode !== 'keycloak') return response.redirect(302, '/dashboard');
    const { url, pendingId } = await this.control.signIn.start();
    // Lax: the callback is a top-level navigation from Keycloak, which Lax cookies accompany.
    response.cookie(PENDING_COOKIE, pendingId, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/dashboard',
      maxAge: 600_000,
    });
    response.setHeader('cache-control', 'no-store');
    response.redirect(302, url);
  }

  @Get('callback')
  async callback(@Req() request: Request, @Res() response: Response): Promise<void> {
    if (this.control.mode !== 'keycloak') return response.redirect(302, '/dashboard');
    response.clearCookie(PENDING_COOKIE, { path: '/dashboard' });
    const query = new URL(request.originalUrl, 'http://dashboard.invalid').searchParams;
    try {
      const session = await this.control.signIn.finish(cookieOf(request, PENDING_COOKIE), query);
      response.cookie(SESSION_COOKIE, session, { httpOnly: true, sameSite: 'lax', path: '/' });
      response.setHeader('cache-control', 'no-store');
      response.redirect(302, '/dashboard');
    } catch (error) {
      if (!(error instanceof SignInRefused)) throw error;
      response
        .status(400)
        .type('html')
        .send(
          `<!doctype html><meta charset="utf-8"><title>Sign-in failed</title><p>${escapeHtml(error.message)}</p><p><a href="/dashboard/login">Sign in again</a></p>`,
        );
    }
  }

  /** A form's POST (a cross-site link cannot sign anyone out): ends the session here and at Keycloak. */
  @Post('logout')
  async logout(@Req() request: Request, @Res() response: Response): Promise<void> {
    response.clearCookie(SESSION_COOKIE, { path: '/' });
    if (this.control.mode !== 'keycloak') return response.redirect(303, '/dashboard');
    response.redirect(303, await this.control.signIn.signOut(cookieOf(request, SESSION_COOKIE)));
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
