import { describe, expect, it } from 'vitest';
import {
  confirmResultPage,
  invalidLinkPage,
  subscribeAcceptedPage,
  subscribeFormPage,
  unsubscribeConfirmPage,
  unsubscribedPage,
} from '../../../src/delivery/pages';

const title = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1];

describe('endpoint pages', () => {
  it.each([
    ['confirmed', 'Subscription confirmed'],
    ['already-active', 'Subscription confirmed'],
    ['not-pending', 'This link is not valid'],
    ['invalid-link', 'This link is not valid'],
  ] as const)('answers a confirmation that is %s with "%s"', (outcome, expected) => {
    expect(title(confirmResultPage(outcome))).toBe(expected);
  });

  it('shows the sign-up form, with the problem escaped when there is one', () => {
    const plain = subscribeFormPage();
    const withProblem = subscribeFormPage('<b>not</b> an address');

    expect(plain).not.toContain('role="alert"');
    expect(plain).toContain('<form method="post">');
    expect(withProblem).toContain('<p role="alert"><strong>&lt;b&gt;not&lt;/b&gt; an address</strong></p>');
  });

  it('escapes the accepted message and puts the token into the unsubscribe form action only, encoded', () => {
    expect(subscribeAcceptedPage('a <i>b</i>')).toContain('<p>a &lt;i&gt;b&lt;/i&gt;</p>');
    expect(unsubscribeConfirmPage('u.a"b&c')).toContain('action="?token=u.a%22b%26c"');
  });

  it('gives every page a title, no script and no external resource', () => {
    for (const html of [
      unsubscribeConfirmPage('t'),
      unsubscribedPage(),
      invalidLinkPage(),
      confirmResultPage('confirmed'),
      subscribeFormPage(),
      subscribeAcceptedPage('ok'),
    ]) {
      expect(title(html)).toBeTruthy();
      expect(html).toMatch(/^<!doctype html>/);
      expect(html).not.toMatch(/<script|https?:\/\//);
    }
  });
});
