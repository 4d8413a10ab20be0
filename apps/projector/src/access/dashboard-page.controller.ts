import { readFile } from 'node:fs/promises';
import { Controller, Get, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { isOperator, isViewer, type Caller } from './access-policy.js';
import { Access, ACCESS_CONTROL, CallerOf, type AccessControl } from './access.guard.js';
import { escapeHtml } from './dashboard-sign-in.controller.js';

/** Built with the project (`npm run build` copies them from apps/projector/dashboard and uPlot's package). */
const assetsDir = new URL('../../dashboard/', import.meta.url);
const assetTypes: Record<string, string> = {
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
  'uPlot.iife.min.js': 'text/javascript; charset=utf-8',
  'uPlot.min.css': 'text/css; charset=utf-8',
};

/** Nothing but this origin: the page loads no script, style or data from anywhere else. */
const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self' http: https:";

/** The dashboard page and its assets (not part of the API). */
@ApiExcludeController()
@Access('open')
@Controller('dashboard')
export class DashboardPageController {
  constructor(@Inject(ACCESS_CONTROL) private readonly control: AccessControl) {}

  @Get()
  async page(@CallerOf() caller: Caller | null, @Res() response: Response): Promise<void> {
    response.setHeader('cache-control', 'no-store');
    if (caller === null) {
      if (this.control.mode === 'keycloak') return response.redirect(302, '/dashboard/login');
      return void response.status(401).type('html').send(page('Not signed in', '<p>Sign-in is not configured.</p>'));
    }
    if (!isViewer(caller)) {
      return void response
        .status(403)
        .type('html')
        .send(
          page(
            'No access',
            `<p>${escapeHtml(caller.username ?? caller.subject)} is signed in without the realm role migration-viewer.</p>` +
              signOutForm(),
          ),
        );
    }
    response.setHeader('content-security-policy', contentSecurityPolicy);
    const html = (await readFile(new URL('index.html', assetsDir), 'utf8'))
      .replace('{{user}}', escapeHtml(caller.username ?? caller.subject))
      .replace('{{role}}', isOperator(caller) ? 'operator' : 'viewer')
      .replace('{{signOut}}', this.control.mode === 'keycloak' ? signOutForm() : '');
    response.type('html').send(html);
  }

  @Get('me')
  @Access('viewer')
  me(@CallerOf() caller: Caller) {
    return { username: caller.username, operator: isOperator(caller) };
  }

  @Get('assets/:name')
  async asset(@Param('name') name: string, @Res() response: Response): Promise<void> {
    const type = assetTypes[name];
    if (!type) throw new NotFoundException(`no dashboard asset ${name}`);
    response.setHeader('cache-control', 'public, max-age=300');
    response.type(type).send(await readFile(new URL(name, assetsDir)));
  }
}

function signOutForm(): string {
  return '<form method="post" action="/dashboard/logout" class="sign-out"><button type="submit" data-testid="sign-out">Sign out</button></form>';
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>${title}</title><body><h1>${title}</h1>${body}</body></html>`;
}
