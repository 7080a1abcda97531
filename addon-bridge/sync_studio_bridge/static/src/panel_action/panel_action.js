/** @odoo-module **/
/**
 * The Sync Studio client action: Odoo's control panel (breadcrumbs) above the Lit panel, which is
 * loaded from the sidecar (`<sidecar URL>/ui/embed.js`) and mounted in the action area. The panel
 * gets a token provider: tokens come from /sync_studio/panel_session, are cached, and are renewed
 * a minute before they expire (or at once when the panel asks after a 401).
 */
import { Component, onMounted, onWillUnmount, useRef, useState, useSubEnv } from '@odoo/owl';
import { _t } from '@web/core/l10n/translation';
import { registry } from '@web/core/registry';
import { useService } from '@web/core/utils/hooks';
import { sprintf } from '@web/core/utils/strings';
import { Layout } from '@web/search/layout';
import { getDefaultConfig } from '@web/views/view';
import { useSetupAction } from '@web/webclient/actions/action_hook';

const RENEW_BEFORE_EXPIRY_SECONDS = 60;

export class SyncStudioPanelAction extends Component {
  setup() {
    useSubEnv({ config: { ...getDefaultConfig(), ...this.env.config } });
    useSetupAction();
    this.rpc = useService('rpc');
    this.user = useService('user');
    this.host = useRef('host');
    this.state = useState({ loading: true, error: null });
    this.session = null;
    this.handle = null;
    onMounted(() => this.mountPanel());
    onWillUnmount(() => this.handle?.unmount());
  }

  get view() {
    return this.props.action.params?.view || 'projects';
  }

  async fetchSession() {
    this.session = await this.rpc('/sync_studio/panel_session', {});
    return this.session;
  }

  /** The token provider handed to the panel; `{ renew: true }` forces a new token. */
  async getToken(options = {}) {
    const now = Date.now() / 1000;
    if (options.renew || !this.session || this.session.expires_at - RENEW_BEFORE_EXPIRY_SECONDS <= now) {
      await this.fetchSession();
    }
    return this.session.token;
  }

  async mountPanel() {
    let session;
    try {
      session = await this.fetchSession();
    } catch (error) {
      this.fail(error.data?.message || error.message);
      return;
    }
    const bundleUrl = `${session.sidecar_url}/ui/embed.js`;
    let panel;
    try {
      panel = await import(bundleUrl);
    } catch {
      this.fail(
        sprintf(
          _t(
            'The Sync Studio panel could not be loaded from %s. Is the sidecar running, and does its SYNC_STUDIO_ODOO_ORIGIN admit %s? Settings → Sync Studio → Test connection tells more.',
          ),
          bundleUrl,
          window.location.origin,
        ),
      );
      return;
    }
    if (!this.host.el) {
      return; // the action was left while the bundle loaded
    }
    this.handle = await panel.mountSyncStudio(this.host.el, {
      apiBase: `${session.sidecar_url}/api`,
      getToken: (options) => this.getToken(options),
      lang: this.user.lang,
      view: this.view,
      embedded: true,
      onTitleChange: (title) => this.env.config.setDisplayName(title),
    });
    this.state.loading = false;
  }

  fail(message) {
    this.state.loading = false;
    this.state.error = message;
  }
}

SyncStudioPanelAction.template = 'sync_studio_bridge.PanelAction';
SyncStudioPanelAction.components = { Layout };

registry.category('actions').add('sync_studio_bridge.panel', SyncStudioPanelAction);
