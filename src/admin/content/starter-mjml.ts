/** What a new template or campaign starts from: a small layout with the footer every campaign needs. */
export const STARTER_MJML = `<mjml>
  <mj-head>
    <mj-attributes>
      <mj-all font-family="-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif" />
      <mj-text font-size="16px" line-height="1.6" color="#1f2933" />
    </mj-attributes>
  </mj-head>
  <mj-body background-color="#f4f5f7">
    <mj-section background-color="#ffffff" padding="32px 16px">
      <mj-column>
        <mj-text font-size="24px" font-weight="700">Hello {{#if subscriber.name}}{{subscriber.name}}{{else}}there{{/if}}</mj-text>
        <mj-text>Write your message here.</mj-text>
        <mj-button href="https://example.com" background-color="#2563eb">Read more</mj-button>
      </mj-column>
    </mj-section>
    <mj-section padding="16px">
      <mj-column>
        <mj-text font-size="12px" color="#616e7c" align="center">
          {{companyAddress}}<br />
          <a href="{{unsubscribeUrl}}">Unsubscribe</a> · <a href="{{preferencesUrl}}">Email preferences</a>
        </mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
`;
