import { describe, expect, it } from 'vitest';
import { html } from './html.ts';

describe('html', () => {
  it('escapes every interpolated text, attribute quotes included', () => {
    const name = `<script>alert("x")</script> & 'Søren'`;
    expect(html`<p title="${name}">${name}</p>`.text).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Søren&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Søren&#39;</p>',
    );
  });

  it('keeps nested fragments as markup, joins lists and leaves out false, null and undefined', () => {
    const items = ['a<b', 'c'].map((item) => html`<li>${item}</li>`);
    // prettier-ignore
    const list = html`<ul>${items}</ul>${false}${null}${undefined}${0}`;
    expect(list.text).toBe('<ul><li>a&lt;b</li><li>c</li></ul>0');
  });
});
