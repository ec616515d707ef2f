// The admin UI's one script. Each module wires itself to elements by data attributes, so a page
// that has none of them runs nothing; every page also works (less comfortably) without it.
import './confirm';
import './poll';
import './audience';
import './content';
import './results';
import './media';
import './segments';
