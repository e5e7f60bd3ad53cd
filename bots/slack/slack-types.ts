import type { types, webApi } from '@slack/bolt';

/** Block Kit and Web API types through @slack/bolt, the one Slack package we depend on. */
export type KnownBlock = types.KnownBlock;
export type ActionsBlock = types.ActionsBlock;
export type SectionBlock = types.SectionBlock;
export type TableBlock = types.TableBlock;
export type SlackButton = types.Button;
export type ModalView = types.ModalView;
export type HomeView = types.HomeView;
export type WebClient = webApi.WebClient;
