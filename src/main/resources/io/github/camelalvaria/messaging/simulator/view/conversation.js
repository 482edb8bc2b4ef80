'use strict';
// The conversation view: polls the simulator's record and draws the chosen interaction as chat bubbles.
// Every text on the page comes from callers of the simulator, so it only ever reaches the page as textContent.
(() => {
    const POLL_MILLIS = 500;
    // a notification without expiresAfterSeconds: the reference gives no default, its own example says 10
    const DEFAULT_TYPING_SECONDS = 10;
    const URL_IN_TEXT = /https?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]]/gi;

    const list = document.getElementById('interactions');
    const title = document.getElementById('title');
    const messages = document.getElementById('messages');
    const typing = document.getElementById('typing');
    const typingWho = document.getElementById('typing-who');
    const conversation = document.getElementById('conversation');
    const status = document.getElementById('status');

    let interactions = [];
    let drawnList = '';
    let drawnConversation = '';
    let typingUntil = 0;

    function element(tag, className, text) {
        const node = document.createElement(tag);
        if (className) {
            node.className = className;
        }
        if (text !== undefined) {
            node.textContent = text;
        }
        return node;
    }

    /** The href for a web address, or null for anything else (javascript:, data:, not a URL at all). */
    function webHref(text) {
        try {
            const url = new URL(text);
            return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
        } catch (notAUrl) {
            return null;
        }
    }

    function link(text) {
        const href = webHref(text);
        if (href === null) {
            return document.createTextNode(text);
        }
        const anchor = element('a', null, text);
        anchor.href = href;
        anchor.target = '_blank';
        anchor.rel = 'noopener noreferrer';
        return anchor;
    }

    /** The text with its web addresses as links. */
    function appendText(parent, text) {
        let from = 0;
        for (const match of text.matchAll(URL_IN_TEXT)) {
            parent.append(text.slice(from, match.index), link(match[0]));
            from = match.index + match[0].length;
        }
        parent.append(text.slice(from));
    }

    function time(iso) {
        return new Date(iso).toLocaleTimeString();
    }

    function selected() {
        const id = decodeURIComponent(location.hash.slice(1));
        return interactions.find(interaction => interaction.interactionId === id) || interactions[0];
    }

    /**
     * Accepted texts and URLs, failed calls and customer messages, in the order the simulator recorded them; an
     * accepted notification only drives the typing indicator.
     */
    function entriesOf(interaction) {
        return [
            ...interaction.accepted.filter(message => message.operation !== 'notification')
                .map(message => ({side: 'agent', message})),
            ...interaction.failed.map(message => ({side: 'agent', message, failed: true})),
            ...interaction.customerMessages.map(message => ({side: 'customer', message}))
        ].sort((a, b) => a.message.sequence - b.message.sequence);
    }

    function drawList() {
        const current = selected();
        const summary = JSON.stringify([current && current.interactionId, interactions.map(interaction =>
            [interaction.interactionId, interaction.userId, interaction.ended, entriesOf(interaction).length])]);
        if (summary === drawnList) {
            return;
        }
        drawnList = summary;
        list.replaceChildren(...interactions.map(interaction => {
            const item = element('li');
            const anchor = element('a', 'interaction');
            anchor.href = '#' + encodeURIComponent(interaction.interactionId);
            anchor.dataset.interactionId = interaction.interactionId;
            if (interaction === current) {
                anchor.setAttribute('aria-current', 'true');
            }
            anchor.append(element('span', 'id', interaction.interactionId),
                element('span', 'count', String(entriesOf(interaction).length)),
                element('span', 'user', interaction.userId + (interaction.ended ? ' · ended' : '')));
            item.append(anchor);
            return item;
        }));
    }

    function bubble(entry) {
        const message = entry.message;
        const item = element('li', 'entry ' + entry.side + (entry.failed ? ' failed' : ''));
        const content = element('div', 'bubble');
        if (message.url !== undefined) {
            content.append(link(message.url));
        } else if (message.text !== undefined) {
            appendText(content, message.text);
        } else {
            content.append(element('em', null, 'typing notification'));
        }
        item.append(content);
        if (entry.failed) {
            item.dataset.status = message.status === undefined ? 'dropped' : String(message.status);
            const label = message.status === undefined ? 'connection dropped' : 'refused ' + message.status;
            item.append(element('div', 'failure', label + (message.status === undefined ? '' : ': ' + message.reason)));
        }
        const who = entry.side === 'customer' ? 'Customer' : (message.entityName || message.userId);
        item.append(element('div', 'meta', who + ' · ' + time(message.receivedAt || message.sentAt)));
        return item;
    }

    function drawConversation() {
        const interaction = selected();
        const drawn = JSON.stringify(interaction || null);
        if (drawn === drawnConversation) {
            return;
        }
        drawnConversation = drawn;
        const atBottom = conversation.scrollHeight - conversation.scrollTop - conversation.clientHeight < 40;
        if (!interaction) {
            title.textContent = 'No interaction yet';
            messages.replaceChildren();
            typingUntil = 0;
            return;
        }
        title.textContent = 'Interaction ' + interaction.interactionId + ' · ' + interaction.userId;
        const entries = entriesOf(interaction);
        const items = entries.map(bubble);
        if (entries.length === 0) {
            items.push(element('li', 'note', 'No messages yet.'));
        }
        if (interaction.ended) {
            items.push(element('li', 'note', 'The interaction has ended.'));
        }
        messages.replaceChildren(...items);
        const notification = interaction.accepted.filter(message => message.operation === 'notification').pop();
        typingUntil = notification === undefined ? 0 : Date.parse(notification.receivedAt)
            + 1000 * (notification.expiresAfterSeconds || DEFAULT_TYPING_SECONDS);
        typingWho.textContent = notification === undefined ? '' : (notification.entityName || notification.userId)
            + ' is typing';
        if (atBottom) {
            conversation.scrollTop = conversation.scrollHeight;
        }
    }

    /** The typing indicator shows until the last notification's expiresAfterSeconds have passed. */
    function drawTyping() {
        typing.hidden = Date.now() >= typingUntil;
    }

    function draw() {
        drawList();
        drawConversation();
        drawTyping();
    }

    async function poll() {
        try {
            const response = await fetch('/simulator/interactions', {cache: 'no-store'});
            if (!response.ok) {
                throw new Error('HTTP ' + response.status);
            }
            interactions = (await response.json()).interactions;
            status.textContent = 'live';
            status.className = 'status live';
            draw();
        } catch (unreachable) {
            status.textContent = 'simulator unreachable';
            status.className = 'status down';
            drawTyping();
        } finally {
            setTimeout(poll, POLL_MILLIS);
        }
    }

    window.addEventListener('hashchange', draw);
    poll();
})();
