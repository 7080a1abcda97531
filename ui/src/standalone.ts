/** The standalone page's entry (index.html): the shell signs in with the fragment's or a pasted token. */
import './elements/sync-studio-panel.js';
